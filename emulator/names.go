package emulator

import "github.com/clbcheck/clbcheck/spec"

// Short local names for parameters the emulator reads by name; each is spelled in spec/names.go.
const (
	paramXForwardedFor = spec.ParamXForwardedFor // the create parameter the IPv6 check reads
	paramScheduler     = spec.ParamScheduler     // echoed by DescribeLoadBalancerListeners
	paramDescription   = spec.ParamDescription   // echoed by DescribeLoadBalancerListeners
	paramVpcID         = spec.ParamVpcID         // CreateLoadBalancer, echoed in its answer
	paramVSwitchID     = spec.ParamVSwitchID     // CreateLoadBalancer, echoed in its answer
)
