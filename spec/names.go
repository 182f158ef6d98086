package spec

// The names below are the only place Go code spells parameter, operation and field names of
// the service. The loader checks that each one occurs in the description (see checkNames), so a
// renamed parameter breaks the load instead of silently breaking a package.

// Operation names (the Action parameter).
const (
	ActionCreateHTTPSListener     = "CreateLoadBalancerHTTPSListener"
	ActionCreateLoadBalancer      = "CreateLoadBalancer"
	ActionDescribeLoadBalancer    = "DescribeLoadBalancerAttribute"
	ActionDeleteLoadBalancer      = "DeleteLoadBalancer"
	ActionUploadServerCertificate = "UploadServerCertificate"
	ActionUploadCACertificate     = "UploadCACertificate"
	ActionCreateACL               = "CreateAccessControlList"
	ActionAddACLEntry             = "AddAccessControlListEntry"
	ActionCreateVServerGroup      = "CreateVServerGroup"
	ActionCreateMasterSlaveGroup  = "CreateMasterSlaveServerGroup"
	ActionCreateTLSCipherPolicy   = "CreateTLSCipherPolicy"
	ActionStartListener           = "StartLoadBalancerListener"
	ActionStopListener            = "StopLoadBalancerListener"
	ActionDeleteListener          = "DeleteLoadBalancerListener"
	ActionDescribeHTTPSListener   = "DescribeLoadBalancerHTTPSListenerAttribute"
	ActionDescribeListeners       = "DescribeLoadBalancerListeners"
	ActionDescribeLoadBalancers   = "DescribeLoadBalancers"
	ActionSetHTTPSListener        = "SetLoadBalancerHTTPSListenerAttribute"
	ActionDescribeServerCerts     = "DescribeServerCertificates"
	ActionDeleteServerCertificate = "DeleteServerCertificate"
	ActionDescribeCACertificates  = "DescribeCACertificates"
	ActionDescribeACL             = "DescribeAccessControlListAttribute"
	ActionTagResources            = "TagResources"
	ActionUntagResources          = "UntagResources"
	ActionListTagResources        = "ListTagResources"
	ActionAddTags                 = "AddTags"
	ActionRemoveTags              = "RemoveTags"
	ActionDescribeTags            = "DescribeTags"
)

// Common (gateway) parameters.
const (
	ParamAction           = "Action"
	ParamVersion          = "Version"
	ParamFormat           = "Format"
	ParamAccessKeyID      = "AccessKeyId"
	ParamSignature        = "Signature"
	ParamSignatureMethod  = "SignatureMethod"
	ParamSignatureVersion = "SignatureVersion"
	ParamSignatureNonce   = "SignatureNonce"
	ParamTimestamp        = "Timestamp"
	ParamSecurityToken    = "SecurityToken"
	ParamSignatureType    = "SignatureType" // sent empty by the classic Go SDK
)

// Parameters of the operation under test that Go code needs by name (everything else is
// handled generically from the description).
const (
	ParamRegionID            = "RegionId"
	ParamLoadBalancerID      = "LoadBalancerId"
	ParamListenerPort        = "ListenerPort"
	ParamBandwidth           = "Bandwidth"
	ParamBackendServerPort   = "BackendServerPort"
	ParamHealthCheck         = "HealthCheck"
	ParamServerCertificateID = "ServerCertificateId"
	ParamCACertificateID     = "CACertificateId"
	ParamVServerGroupID      = "VServerGroupId"
	ParamACLID               = "AclId"
	ParamACLStatus           = "AclStatus"
	ParamACLType             = "AclType"
	ParamTLSCipherPolicy     = "TLSCipherPolicy"
	ParamTag                 = "Tag"
	ParamXForwardedFor       = "XForwardedFor"
	ParamScheduler           = "Scheduler"
	ParamDescription         = "Description"
	ParamIdleTimeout         = "IdleTimeout"
	ParamRequestTimeout      = "RequestTimeout"
	ParamCookie              = "Cookie"
	ParamHealthCheckInterval = "HealthCheckInterval"
	ParamHealthCheckVersion  = "HealthCheckHttpVersion"
	ParamHealthCheckHTTPCode = "HealthCheckHttpCode"
	ParamServerCertificate   = "ServerCertificate" // the list form on the listener; the PEM on upload
	FieldCertificateID       = "CertificateId"
	FieldBindingType         = "BindingType"
	FieldStandardType        = "StandardType"
	FieldTagKey              = "Key"
	FieldTagValue            = "Value"
)

// Parameters of the neighbouring operations.
const (
	ParamAddressType               = "AddressType"
	ParamVpcID                     = "VpcId"
	ParamVSwitchID                 = "VSwitchId"
	ParamAddressIPVersion          = "AddressIPVersion"
	ParamLoadBalancerSpec          = "LoadBalancerSpec"
	ParamMasterZoneID              = "MasterZoneId"
	ParamLoadBalancerName          = "LoadBalancerName"
	ParamPrivateKey                = "PrivateKey"
	ParamServerCertificateName     = "ServerCertificateName"
	ParamCACertificate             = "CACertificate"
	ParamCACertificateName         = "CACertificateName"
	ParamACLName                   = "AclName"
	ParamACLEntries                = "AclEntrys"
	ParamVServerGroupName          = "VServerGroupName"
	ParamBackendServers            = "BackendServers"
	ParamMasterSlaveGroupName      = "MasterSlaveServerGroupName"
	ParamMasterSlaveBackendServers = "MasterSlaveBackendServers"
	ParamPolicyName                = "Name"
	ParamListenerProtocol          = "ListenerProtocol"
	ParamMaxResults                = "MaxResults"
	ParamNextToken                 = "NextToken"
	ParamTLSVersions               = "TLSVersions"
	ParamCiphers                   = "Ciphers"
	ParamInstanceChargeType        = "InstanceChargeType"
	ParamInternetChargeType        = "InternetChargeType"
	ParamSlaveZoneID               = "SlaveZoneId"
	ParamNetworkType               = "NetworkType"
	ParamAddress                   = "Address"
	ParamLoadBalancerStatus        = "LoadBalancerStatus"
	ParamPageNumber                = "PageNumber"
	ParamPageSize                  = "PageSize"
	ParamPage                      = "Page"
	ParamVServerGroup              = "VServerGroup"
	ParamAclEntryComment           = "AclEntryComment"
	ParamResourceType              = "ResourceType"
	ParamResourceID                = "ResourceId"
	ParamTagKey                    = "TagKey" // UntagResources' TagKey.N; also a response field
	ParamAll                       = "All"
	ParamTags                      = "Tags" // the JSON tag list of AddTags, RemoveTags, DescribeTags
	ParamDistinctKey               = "DistinctKey"
	ParamBackendProtocol           = "BackendProtocol"
	ParamVpcIDs                    = "VpcIds"
)

// Response fields of the neighbouring operations (beyond those named above), as the official
// SDKs' typed models read them.
const (
	FieldTags                     = "Tags"
	FieldTag                      = "Tag"
	FieldTagValueOut              = "TagValue"
	FieldAddress                  = "Address"
	FieldNetworkType              = "NetworkType"
	FieldLoadBalancerStatus       = "LoadBalancerStatus"
	FieldCreateTime               = "CreateTime"
	FieldCreateTimeStamp          = "CreateTimeStamp"
	FieldExpireTime               = "ExpireTime"
	FieldExpireTimeStamp          = "ExpireTimeStamp"
	FieldRegionIDAlias            = "RegionIdAlias"
	FieldResourceGroupID          = "ResourceGroupId"
	FieldPayType                  = "PayType"
	FieldBusinessStatus           = "BusinessStatus"
	FieldDeleteProtection         = "DeleteProtection"
	FieldModificationProtection   = "ModificationProtectionStatus"
	FieldSpecType                 = "SpecType"
	FieldServiceManagedMode       = "ServiceManagedMode"
	FieldEndTime                  = "EndTime"
	FieldEndTimeStamp             = "EndTimeStamp"
	FieldListenerPortsAndProtocol = "ListenerPortsAndProtocol"
	FieldListenerPortAndProtocol  = "ListenerPortAndProtocol"
	FieldListenerPortsAndProtocal = "ListenerPortsAndProtocal" // the SDKs' older spelling, sent too
	FieldListenerPortAndProtocal  = "ListenerPortAndProtocal"
	FieldListenerProtocal         = "ListenerProtocal"
	FieldBackendServers           = "BackendServers"
	FieldBackendServer            = "BackendServer"
	FieldMasterSlaveServers       = "MasterSlaveBackendServers"
	FieldMasterSlaveServer        = "MasterSlaveBackendServer"
	FieldServerID                 = "ServerId"
	FieldServerIP                 = "ServerIp"
	FieldPort                     = "Port"
	FieldWeight                   = "Weight"
	FieldType                     = "Type"
	FieldServerType               = "ServerType"
	FieldFingerprint              = "Fingerprint"
	FieldCommonName               = "CommonName"
	FieldSubjectAltNames          = "SubjectAlternativeNames"
	FieldSubjectAltName           = "SubjectAlternativeName"
	FieldIsAliCloudCertificate    = "IsAliCloudCertificate"
	FieldEncryptionAlgorithm      = "EncryptionAlgorithm"
	FieldEncryptionKeyLength      = "EncryptionKeyLength"
	FieldServerCertificates       = "ServerCertificates"
	FieldCACertificates           = "CACertificates"
	FieldCACertificate            = "CACertificate"
	FieldAclIDs                   = "AclIds"
	FieldAclEntrys                = "AclEntrys"
	FieldAclEntry                 = "AclEntry"
	FieldAclEntryIP               = "AclEntryIP"
	FieldTotalAclEntry            = "TotalAclEntry"
	FieldRelatedListeners         = "RelatedListeners"
	FieldRelatedListener          = "RelatedListener"
	FieldProtocol                 = "Protocol"
	FieldTagResources             = "TagResources"
	FieldTagResource              = "TagResource"
	FieldTagSets                  = "TagSets"
	FieldTagSet                   = "TagSet"
	FieldInstanceCount            = "InstanceCount"
	FieldTotalCount               = "TotalCount"
	FieldHTTPSListenerConfig      = "HTTPSListenerConfig"
	FieldRules                    = "Rules"
	FieldRule                     = "Rule"
	FieldDomainExtensions         = "DomainExtensions"
	FieldDomainExtension          = "DomainExtension"
	FieldOrderID                  = "OrderId"
)

// Response fields.
const (
	FieldRequestID                = "RequestId"
	FieldCode                     = "Code"
	FieldMessage                  = "Message"
	FieldHostID                   = "HostId"
	FieldRecommend                = "Recommend"
	FieldAccessDeniedDetail       = "AccessDeniedDetail"
	FieldStatus                   = "Status"
	FieldLoadBalancerID           = "LoadBalancerId"
	FieldServerCertificateID      = "ServerCertificateId"
	FieldCACertificateID          = "CACertificateId"
	FieldACLID                    = "AclId"
	FieldVServerGroupID           = "VServerGroupId"
	FieldMasterSlaveServerGroupID = "MasterSlaveServerGroupId"
	FieldTLSCipherPolicyID        = "TLSCipherPolicyId"
	FieldListeners                = "Listeners"
	FieldLoadBalancers            = "LoadBalancers"
	FieldLoadBalancer             = "LoadBalancer"
	FieldAddressIPVersion         = "AddressIPVersion"
	FieldListenerPort             = "ListenerPort"
	FieldListenerProtocol         = "ListenerProtocol"
	FieldListenerPorts            = "ListenerPorts" // a load balancer's ports, in DescribeLoadBalancerAttribute
)

// Listener states as the Describe operations report them.
const (
	StatusStopped  = "stopped"
	StatusStarting = "starting"
	StatusRunning  = "running"
	// Transitional states, while a change is being applied.
	StatusConfiguring = "configuring"
	StatusStopping    = "stopping"
)

// requiredActions and requiredParams are checked against the description at load time.
var requiredActions = []string{
	ActionCreateHTTPSListener, ActionCreateLoadBalancer, ActionDescribeLoadBalancer,
	ActionDeleteLoadBalancer, ActionUploadServerCertificate, ActionUploadCACertificate,
	ActionCreateACL, ActionAddACLEntry, ActionCreateVServerGroup, ActionCreateMasterSlaveGroup,
	ActionCreateTLSCipherPolicy, ActionStartListener, ActionStopListener, ActionDeleteListener,
	ActionDescribeHTTPSListener, ActionDescribeListeners, ActionDescribeLoadBalancers,
	ActionSetHTTPSListener, ActionDescribeServerCerts, ActionDeleteServerCertificate,
	ActionDescribeCACertificates, ActionDescribeACL, ActionTagResources, ActionUntagResources,
	ActionListTagResources, ActionAddTags, ActionRemoveTags, ActionDescribeTags,
}

var requiredParams = []string{
	ParamAction, ParamVersion, ParamRegionID, ParamLoadBalancerID, ParamListenerPort,
	ParamBandwidth, ParamBackendServerPort, ParamHealthCheck, ParamServerCertificateID,
	ParamCACertificateID, ParamVServerGroupID, ParamACLID, ParamACLStatus, ParamACLType,
	ParamTLSCipherPolicy, ParamTag, ParamServerCertificate, ParamAddressType,
	ParamXForwardedFor, ParamScheduler, ParamDescription, ParamVpcID, ParamVSwitchID,
	ParamIdleTimeout, ParamRequestTimeout, ParamCookie, ParamHealthCheckInterval,
	ParamHealthCheckVersion, ParamHealthCheckHTTPCode,
	ParamAddressIPVersion, ParamLoadBalancerSpec, ParamMasterZoneID, ParamLoadBalancerName,
	ParamPrivateKey, ParamServerCertificateName, ParamCACertificate, ParamCACertificateName,
	ParamACLName, ParamACLEntries, ParamVServerGroupName, ParamBackendServers,
	ParamMasterSlaveGroupName, ParamMasterSlaveBackendServers, ParamPolicyName,
	ParamListenerProtocol, ParamMaxResults, ParamNextToken, ParamTLSVersions, ParamCiphers,
	ParamInstanceChargeType, ParamInternetChargeType, ParamSlaveZoneID, ParamNetworkType,
	ParamAddress, ParamLoadBalancerStatus, ParamPageNumber, ParamPageSize, ParamPage,
	ParamVServerGroup, ParamAclEntryComment, ParamResourceType, ParamResourceID, ParamTagKey,
	ParamAll, ParamTags, ParamDistinctKey, ParamBackendProtocol, ParamVpcIDs,
}

var requiredFields = []string{
	FieldRequestID, FieldCode, FieldMessage, FieldHostID, FieldRecommend, FieldAccessDeniedDetail,
	FieldStatus, FieldLoadBalancerID, FieldServerCertificateID, FieldCACertificateID, FieldACLID,
	FieldVServerGroupID, FieldMasterSlaveServerGroupID, FieldTLSCipherPolicyID, FieldListeners,
	FieldAddressIPVersion, FieldListenerPort, FieldListenerProtocol, FieldLoadBalancers, FieldLoadBalancer,
	FieldListenerPorts,
	FieldTags, FieldTag, FieldTagValueOut, FieldAddress, FieldNetworkType, FieldLoadBalancerStatus,
	FieldCreateTime, FieldCreateTimeStamp, FieldExpireTime, FieldExpireTimeStamp, FieldRegionIDAlias,
	FieldResourceGroupID, FieldPayType, FieldBusinessStatus, FieldDeleteProtection,
	FieldModificationProtection, FieldSpecType, FieldServiceManagedMode,
	FieldListenerPortsAndProtocol, FieldListenerPortAndProtocol, FieldListenerPortsAndProtocal,
	FieldListenerPortAndProtocal, FieldListenerProtocal, FieldBackendServers, FieldBackendServer,
	FieldMasterSlaveServers, FieldServerID, FieldServerIP, FieldPort, FieldWeight, FieldType,
	FieldServerType, FieldFingerprint, FieldCommonName, FieldSubjectAltNames, FieldSubjectAltName,
	FieldIsAliCloudCertificate, FieldEncryptionAlgorithm, FieldEncryptionKeyLength,
	FieldServerCertificates, FieldCACertificates, FieldCACertificate, FieldAclIDs, FieldAclEntrys,
	FieldAclEntry, FieldAclEntryIP, FieldTotalAclEntry, FieldRelatedListeners, FieldRelatedListener,
	FieldProtocol, FieldTagResources, FieldTagResource, FieldTagSets, FieldTagSet, FieldInstanceCount,
	FieldTotalCount, FieldHTTPSListenerConfig, FieldRules, FieldRule, FieldDomainExtensions,
	FieldDomainExtension, FieldOrderID, FieldEndTime, FieldEndTimeStamp, FieldMasterSlaveServer,
}

var requiredListFields = map[string][]string{
	ParamTag:               {FieldTagKey, FieldTagValue},
	ParamServerCertificate: {FieldCertificateID, FieldBindingType, FieldStandardType},
}

var requiredCommon = []string{
	ParamFormat, ParamAccessKeyID, ParamSignature, ParamSignatureMethod, ParamSignatureVersion,
	ParamSignatureNonce, ParamTimestamp, ParamSecurityToken, ParamSignatureType,
}
