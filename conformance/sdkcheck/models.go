package sdkcheck

import (
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"

	"github.com/clbcheck/clbcheck/spec"
)

// sdkModel makes the classic Go SDK's typed request and response of one operation.
type sdkModel struct {
	request  func() requests.AcsRequest
	response func() responses.AcsResponse
}

// sdkModels are the classic SDK's models of the operations the emulator serves, by action.
// TestEveryServedOperationHasAModel keeps it complete: an operation added to the description
// without a model here fails the conformance tests.
var sdkModels = map[string]sdkModel{
	spec.ActionCreateHTTPSListener:     {func() requests.AcsRequest { return slb.CreateCreateLoadBalancerHTTPSListenerRequest() }, func() responses.AcsResponse { return slb.CreateCreateLoadBalancerHTTPSListenerResponse() }},
	spec.ActionCreateLoadBalancer:      {func() requests.AcsRequest { return slb.CreateCreateLoadBalancerRequest() }, func() responses.AcsResponse { return slb.CreateCreateLoadBalancerResponse() }},
	spec.ActionDescribeLoadBalancer:    {func() requests.AcsRequest { return slb.CreateDescribeLoadBalancerAttributeRequest() }, func() responses.AcsResponse { return slb.CreateDescribeLoadBalancerAttributeResponse() }},
	spec.ActionDeleteLoadBalancer:      {func() requests.AcsRequest { return slb.CreateDeleteLoadBalancerRequest() }, func() responses.AcsResponse { return slb.CreateDeleteLoadBalancerResponse() }},
	spec.ActionUploadServerCertificate: {func() requests.AcsRequest { return slb.CreateUploadServerCertificateRequest() }, func() responses.AcsResponse { return slb.CreateUploadServerCertificateResponse() }},
	spec.ActionUploadCACertificate:     {func() requests.AcsRequest { return slb.CreateUploadCACertificateRequest() }, func() responses.AcsResponse { return slb.CreateUploadCACertificateResponse() }},
	spec.ActionCreateACL:               {func() requests.AcsRequest { return slb.CreateCreateAccessControlListRequest() }, func() responses.AcsResponse { return slb.CreateCreateAccessControlListResponse() }},
	spec.ActionAddACLEntry:             {func() requests.AcsRequest { return slb.CreateAddAccessControlListEntryRequest() }, func() responses.AcsResponse { return slb.CreateAddAccessControlListEntryResponse() }},
	spec.ActionCreateVServerGroup:      {func() requests.AcsRequest { return slb.CreateCreateVServerGroupRequest() }, func() responses.AcsResponse { return slb.CreateCreateVServerGroupResponse() }},
	spec.ActionCreateMasterSlaveGroup:  {func() requests.AcsRequest { return slb.CreateCreateMasterSlaveServerGroupRequest() }, func() responses.AcsResponse { return slb.CreateCreateMasterSlaveServerGroupResponse() }},
	spec.ActionCreateTLSCipherPolicy:   {func() requests.AcsRequest { return slb.CreateCreateTLSCipherPolicyRequest() }, func() responses.AcsResponse { return slb.CreateCreateTLSCipherPolicyResponse() }},
	spec.ActionStartListener:           {func() requests.AcsRequest { return slb.CreateStartLoadBalancerListenerRequest() }, func() responses.AcsResponse { return slb.CreateStartLoadBalancerListenerResponse() }},
	spec.ActionStopListener:            {func() requests.AcsRequest { return slb.CreateStopLoadBalancerListenerRequest() }, func() responses.AcsResponse { return slb.CreateStopLoadBalancerListenerResponse() }},
	spec.ActionDeleteListener:          {func() requests.AcsRequest { return slb.CreateDeleteLoadBalancerListenerRequest() }, func() responses.AcsResponse { return slb.CreateDeleteLoadBalancerListenerResponse() }},
	spec.ActionDescribeHTTPSListener:   {func() requests.AcsRequest { return slb.CreateDescribeLoadBalancerHTTPSListenerAttributeRequest() }, func() responses.AcsResponse { return slb.CreateDescribeLoadBalancerHTTPSListenerAttributeResponse() }},
	spec.ActionDescribeListeners:       {func() requests.AcsRequest { return slb.CreateDescribeLoadBalancerListenersRequest() }, func() responses.AcsResponse { return slb.CreateDescribeLoadBalancerListenersResponse() }},
	spec.ActionDescribeLoadBalancers:   {func() requests.AcsRequest { return slb.CreateDescribeLoadBalancersRequest() }, func() responses.AcsResponse { return slb.CreateDescribeLoadBalancersResponse() }},
	spec.ActionSetHTTPSListener:        {func() requests.AcsRequest { return slb.CreateSetLoadBalancerHTTPSListenerAttributeRequest() }, func() responses.AcsResponse { return slb.CreateSetLoadBalancerHTTPSListenerAttributeResponse() }},
	spec.ActionDescribeServerCerts:     {func() requests.AcsRequest { return slb.CreateDescribeServerCertificatesRequest() }, func() responses.AcsResponse { return slb.CreateDescribeServerCertificatesResponse() }},
	spec.ActionDeleteServerCertificate: {func() requests.AcsRequest { return slb.CreateDeleteServerCertificateRequest() }, func() responses.AcsResponse { return slb.CreateDeleteServerCertificateResponse() }},
	spec.ActionDescribeCACertificates:  {func() requests.AcsRequest { return slb.CreateDescribeCACertificatesRequest() }, func() responses.AcsResponse { return slb.CreateDescribeCACertificatesResponse() }},
	spec.ActionDeleteCACertificate:     {func() requests.AcsRequest { return slb.CreateDeleteCACertificateRequest() }, func() responses.AcsResponse { return slb.CreateDeleteCACertificateResponse() }},
	spec.ActionDeleteACL:               {func() requests.AcsRequest { return slb.CreateDeleteAccessControlListRequest() }, func() responses.AcsResponse { return slb.CreateDeleteAccessControlListResponse() }},
	spec.ActionDeleteTLSCipherPolicy:   {func() requests.AcsRequest { return slb.CreateDeleteTLSCipherPolicyRequest() }, func() responses.AcsResponse { return slb.CreateDeleteTLSCipherPolicyResponse() }},
	spec.ActionDescribeACL:             {func() requests.AcsRequest { return slb.CreateDescribeAccessControlListAttributeRequest() }, func() responses.AcsResponse { return slb.CreateDescribeAccessControlListAttributeResponse() }},
	spec.ActionTagResources:            {func() requests.AcsRequest { return slb.CreateTagResourcesRequest() }, func() responses.AcsResponse { return slb.CreateTagResourcesResponse() }},
	spec.ActionUntagResources:          {func() requests.AcsRequest { return slb.CreateUntagResourcesRequest() }, func() responses.AcsResponse { return slb.CreateUntagResourcesResponse() }},
	spec.ActionListTagResources:        {func() requests.AcsRequest { return slb.CreateListTagResourcesRequest() }, func() responses.AcsResponse { return slb.CreateListTagResourcesResponse() }},
	spec.ActionAddTags:                 {func() requests.AcsRequest { return slb.CreateAddTagsRequest() }, func() responses.AcsResponse { return slb.CreateAddTagsResponse() }},
	spec.ActionRemoveTags:              {func() requests.AcsRequest { return slb.CreateRemoveTagsRequest() }, func() responses.AcsResponse { return slb.CreateRemoveTagsResponse() }},
	spec.ActionDescribeTags:            {func() requests.AcsRequest { return slb.CreateDescribeTagsRequest() }, func() responses.AcsResponse { return slb.CreateDescribeTagsResponse() }},
}
