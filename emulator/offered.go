package emulator

import "github.com/clbcheck/clbcheck/spec"

// Offered tells what an emulator with this configuration offers of the provider-side facts a
// harness cannot learn through the API: the limit of each quota in force (x-quotas; a quota
// not listed is not enforced, as with Choices.NoQuotas) and the setting of each scenario
// offered (x-scenarios: a zone or region name, or a duration, durations only with Delays on;
// a scenario not listed is not offered, as with Choices.NoScenarios). A harness judging the
// embedded emulator reads them here instead of assuming the description's defaults, as it
// reads them from a fixtures file for any other target. The maps are fresh copies.
func (c Config) Offered() (quotas map[string]int, scenarios map[string]string) {
	s := spec.MustDefault()
	quotas, scenarios = map[string]int{}, map[string]string{}
	for _, q := range s.Quotas {
		if limit, ok := c.quotaLimit(spec.QuotaName(q.Name)); ok {
			quotas[q.Name] = limit
		}
	}
	for _, sc := range s.Scenarios {
		if sc.Setting == "duration" && !c.Delays {
			continue // transitions are instant: the states a duration keeps never hold
		}
		if v := c.scenario(spec.ScenarioName(sc.Name)); v != "" {
			scenarios[sc.Name] = v
		}
	}
	return quotas, scenarios
}

// Offered is Config.Offered of the emulator's configuration.
func (e *Emulator) Offered() (quotas map[string]int, scenarios map[string]string) {
	return e.cfg.Offered()
}
