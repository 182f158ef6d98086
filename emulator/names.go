package emulator

// Parameter names the emulator needs that spec/names.go does not carry yet. Each is spelled
// here only; they should move to package spec (asked of its owner), after which these become
// aliases or disappear.
const (
	paramXForwardedFor = "XForwardedFor" // the create parameter the IPv6 check reads
	paramScheduler     = "Scheduler"     // echoed by DescribeLoadBalancerListeners
	paramDescription   = "Description"   // echoed by DescribeLoadBalancerListeners
	paramVpcID         = "VpcId"         // CreateLoadBalancer, echoed in its answer
	paramVSwitchID     = "VSwitchId"     // CreateLoadBalancer, echoed in its answer
)
