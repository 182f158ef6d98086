package resources

import (
	"slices"

	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// deletion says how a resource made by a create operation is removed again.
type deletion struct {
	action    string // the delete operation
	idParam   string // its parameter that names the resource (the create answers the same name)
	nameParam string // the create's parameter that gives the resource its name
}

// usedResources are the resources a run creates that listeners use: certificates, ACLs and
// custom TLS policies. Each has a delete operation, which refuses while a listener still uses
// the resource, so they are deleted after the load balancers and listeners. Server groups are
// not among them: they go with their load balancer.
var usedResources = map[string]deletion{
	spec.ActionUploadServerCertificate: {spec.ActionDeleteServerCertificate, spec.ParamServerCertificateID, spec.ParamServerCertificateName},
	spec.ActionUploadCACertificate:     {spec.ActionDeleteCACertificate, spec.ParamCACertificateID, spec.ParamCACertificateName},
	spec.ActionCreateACL:               {spec.ActionDeleteACL, spec.ParamACLID, spec.ParamACLName},
	spec.ActionCreateTLSCipherPolicy:   {spec.ActionDeleteTLSCipherPolicy, spec.ParamTLSCipherPolicyID, spec.ParamPolicyName},
}

// deletedLast reports whether a delete operation removes a resource listeners use, which is
// deleted only once the load balancers and listeners are gone.
func deletedLast(deleteAction string) bool {
	for _, d := range usedResources {
		if d.action == deleteAction {
			return true
		}
	}
	return false
}

// createdName is the name a create request gives its resource ("" when the operation is not
// one whose resources the ledger follows by name).
func createdName(action string, params []target.KV) string {
	if action == spec.ActionCreateLoadBalancer {
		return target.Value(params, spec.ParamLoadBalancerName)
	}
	if d, ok := usedResources[action]; ok {
		return target.Value(params, d.nameParam)
	}
	return ""
}

// DeletionOrder splits what a ledger says remains into what to delete first (load balancers,
// listeners: the users) and what to delete after them (certificates, ACLs, TLS policies: what
// listeners use, whose deletes are refused while a listener still uses them), each newest
// first.
func DeletionOrder(pending []LedgerEntry) (first, last []LedgerEntry) {
	for _, e := range slices.Backward(pending) {
		if deletedLast(e.Action) {
			last = append(last, e)
		} else {
			first = append(first, e)
		}
	}
	return first, last
}
