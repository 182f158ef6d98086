package spec

// The names below are the only place Go code spells parameter, operation and field names of
// the service. The loader checks that each one occurs in the description (see checkNames), so a
// renamed parameter breaks the load instead of silently breaking a package.

// Answer formats (the Format parameter), as x-wire.formats and x-wire.contentTypes name them.
const (
	FormatJSON = "JSON"
	FormatXML  = "XML"
)

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
	ActionDeleteCACertificate     = "DeleteCACertificate"
	ActionDeleteACL               = "DeleteAccessControlList"
	ActionDeleteTLSCipherPolicy   = "DeleteTLSCipherPolicy"
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
	ParamTLSCipherPolicyID   = "TLSCipherPolicyId" // DeleteTLSCipherPolicy's
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
	ActionDeleteCACertificate, ActionDeleteACL, ActionDeleteTLSCipherPolicy,
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
	ParamAll, ParamTags, ParamDistinctKey, ParamBackendProtocol, ParamVpcIDs, ParamTLSCipherPolicyID,
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

// The data-key vocabularies below name things the description defines (x-states, x-scenarios,
// x-quotas, the gateway's and the neighbouring operations' error triggers, x-rules and
// x-reference). Each has its own type, so that a state name cannot be passed where a quota name
// is expected, and the loader checks that the description defines exactly these names (see
// checkVocabulary): a name renamed or added on one side only breaks the load.

// StateName names a condition of the service's state that an error of the operation needs
// (x-states; Trigger.State of an error whose kind is state or scenario).
type StateName string

// States of the operation under test.
const (
	StateACLDuplicateEntry       StateName = "acl-duplicate-entry"
	StateACLIPVersionMismatch    StateName = "acl-ip-version-mismatch"
	StateACLNotFound             StateName = "acl-not-found"
	StateCACertificateNotFound   StateName = "ca-certificate-not-found"
	StateCertificateKindMismatch StateName = "certificate-kind-mismatch"
	StateCertificateNotFound     StateName = "certificate-not-found"
	StateCNCertificate           StateName = "cn-certificate"
	StateForeignCertificate      StateName = "foreign-certificate"
	StateIPv6ForwardingHeader    StateName = "ipv6-forwarding-header"
	StateLayer4OnlyInstance      StateName = "layer4-only-instance"
	StateListenerPending         StateName = "listener-pending"
	StateLoadBalancerNotFound    StateName = "load-balancer-not-found"
	StateMasterSlaveGroup        StateName = "master-slave-group"
	StatePortInUse               StateName = "port-in-use"
	StateRegionLacksParameter    StateName = "region-lacks-parameter"
	StateServerGroupNotFound     StateName = "server-group-not-found"
	StateSharedMutualAuth        StateName = "shared-mutual-auth"
	StateSharedTLSPolicy         StateName = "shared-tls-policy"
	StateSpecProtocolMismatch    StateName = "spec-protocol-mismatch"
	StateTCPSSLOnlyInstance      StateName = "tcpssl-only-instance"
	StateTLSPolicyConfiguring    StateName = "tls-policy-configuring"
	StateTLSPolicyNotFound       StateName = "tls-policy-not-found"
	StateZoneOutOfResources      StateName = "zone-out-of-resources"
)

// ScenarioName names a provider-side condition an emulator offers as a setting (x-scenarios).
type ScenarioName string

// Scenarios. The zone and region scenarios carry the name of the state they produce.
const (
	ScenarioLayer4OnlyInstance       ScenarioName = "layer4-only-instance"
	ScenarioListenerStartDelay       ScenarioName = "listener-start-delay"
	ScenarioRegionLacksParameter     ScenarioName = "region-lacks-parameter"
	ScenarioSpecProtocolMismatch     ScenarioName = "spec-protocol-mismatch"
	ScenarioTCPSSLOnlyInstance       ScenarioName = "tcpssl-only-instance"
	ScenarioTLSPolicyConfiguringTime ScenarioName = "tls-policy-configuring-time"
	ScenarioZoneOutOfResources       ScenarioName = "zone-out-of-resources"
)

// QuotaName names a limit of the service (x-quotas).
type QuotaName string

// Quotas.
const (
	QuotaACLEntriesPerListener    QuotaName = "acl-entries-per-listener"
	QuotaACLsPerListener          QuotaName = "acls-per-listener"
	QuotaListenersPerACL          QuotaName = "listeners-per-acl"
	QuotaListenersPerLoadBalancer QuotaName = "listeners-per-load-balancer"
	QuotaListenersPerTLSPolicy    QuotaName = "listeners-per-tls-policy"
)

// GatewayState names what makes the API gateway refuse a request before the operation sees it
// (Trigger.State of a gateway error).
type GatewayState string

// Gateway states.
const (
	GatewayMissingParameter GatewayState = "missing-parameter"
	GatewayInvalidParameter GatewayState = "invalid-parameter"
	GatewayMissingSignature GatewayState = "missing-signature"
	GatewayBadSignature     GatewayState = "bad-signature"
	GatewayNonceReplayed    GatewayState = "nonce-replayed"
	GatewayStaleTimestamp   GatewayState = "stale-timestamp"
	GatewayThrottled        GatewayState = "throttled"
	GatewayUnknownAccessKey GatewayState = "unknown-access-key"
	GatewayDisabledKey      GatewayState = "disabled-access-key"
	GatewayUnknownAction    GatewayState = "unknown-action"
	GatewayUnknownVersion   GatewayState = "unknown-version"
	GatewayBadMethod        GatewayState = "bad-method"
	GatewayRAMDenied        GatewayState = "ram-denied"
	GatewayRAMDeniedLegacy  GatewayState = "ram-denied-legacy"
	GatewayTokenMismatch    GatewayState = "token-mismatch"
	GatewayInternalError    GatewayState = "internal-error"
	GatewayUnavailable      GatewayState = "unavailable"
)

// NeighbourState names what makes a neighbouring operation refuse a request
// (x-neighbour-errors).
type NeighbourState string

// Neighbour states.
const (
	NeighbourCertificateFormat         NeighbourState = "certificate-format"
	NeighbourKeyFormat                 NeighbourState = "key-format"
	NeighbourKeyMismatch               NeighbourState = "key-mismatch"
	NeighbourACLNameTaken              NeighbourState = "acl-name-taken"
	NeighbourACLEntryExists            NeighbourState = "acl-entry-exists"
	NeighbourListenerNotFound          NeighbourState = "listener-not-found"
	NeighbourListenerConfiguring       NeighbourState = "listener-configuring"
	NeighbourSystemBusy                NeighbourState = "system-busy"
	NeighbourOperationBusy             NeighbourState = "operation-busy"
	NeighbourServerCertificateNotFound NeighbourState = "server-certificate-not-found"
	NeighbourCertificateInUse          NeighbourState = "certificate-in-use"
	NeighbourTagResourceNotFound       NeighbourState = "tag-resource-not-found"
	NeighbourCACertificateAbsent       NeighbourState = "ca-certificate-absent" // DeleteCACertificate: no such CA certificate of the caller
	NeighbourCACertificateInUse        NeighbourState = "ca-certificate-in-use"
	NeighbourACLAbsent                 NeighbourState = "acl-absent" // DeleteAccessControlList: no such ACL of the caller
	NeighbourACLInUse                  NeighbourState = "acl-in-use"
	NeighbourTLSPolicyInUse            NeighbourState = "tls-policy-in-use" // DeleteTLSCipherPolicy: a listener uses the policy
)

// RuleID names a cross-parameter rule (x-rules).
type RuleID string

// Rules.
const (
	RuleStickySessionTypeRequired    RuleID = "sticky-session-type-required"
	RuleCookieTimeoutRequired        RuleID = "cookie-timeout-required"
	RuleCookieRequired               RuleID = "cookie-required"
	RuleACLIDRequired                RuleID = "acl-id-required"
	RuleACLTypeRequired              RuleID = "acl-type-required"
	RuleBackendPortRequired          RuleID = "backend-port-required"
	RuleHealthCheckDomainRequired    RuleID = "health-check-domain-required"
	RuleServerCertificateRequired    RuleID = "server-certificate-required"
	RuleSingleServerCertificateForm  RuleID = "single-server-certificate-form"
	RuleOneServerBinding             RuleID = "one-server-binding"
	RuleClientCertAliasesDistinct    RuleID = "client-cert-aliases-distinct"
	RuleHealthCheckSettingsNeedCheck RuleID = "health-check-settings-need-health-check"
)

// RefKind names the kind of resource a parameter's value names (x-reference).
type RefKind string

// Reference kinds.
const (
	RefListenerPort      RefKind = "listener-port"
	RefLoadBalancer      RefKind = "load-balancer"
	RefServerCertificate RefKind = "server-certificate"
	RefCACertificate     RefKind = "ca-certificate"
	RefVServerGroup      RefKind = "vserver-group"
	RefACL               RefKind = "acl"
)

var (
	vocabStates = []StateName{
		StateACLDuplicateEntry, StateACLIPVersionMismatch, StateACLNotFound, StateCACertificateNotFound,
		StateCertificateKindMismatch, StateCertificateNotFound, StateCNCertificate, StateForeignCertificate,
		StateIPv6ForwardingHeader, StateLayer4OnlyInstance, StateListenerPending, StateLoadBalancerNotFound,
		StateMasterSlaveGroup, StatePortInUse, StateRegionLacksParameter, StateServerGroupNotFound,
		StateSharedMutualAuth, StateSharedTLSPolicy, StateSpecProtocolMismatch, StateTCPSSLOnlyInstance,
		StateTLSPolicyConfiguring, StateTLSPolicyNotFound, StateZoneOutOfResources,
	}
	vocabScenarios = []ScenarioName{
		ScenarioLayer4OnlyInstance, ScenarioListenerStartDelay, ScenarioRegionLacksParameter,
		ScenarioSpecProtocolMismatch, ScenarioTCPSSLOnlyInstance, ScenarioTLSPolicyConfiguringTime,
		ScenarioZoneOutOfResources,
	}
	vocabQuotas = []QuotaName{
		QuotaACLEntriesPerListener, QuotaACLsPerListener, QuotaListenersPerACL,
		QuotaListenersPerLoadBalancer, QuotaListenersPerTLSPolicy,
	}
	vocabGateway = []GatewayState{
		GatewayMissingParameter, GatewayInvalidParameter, GatewayMissingSignature, GatewayBadSignature,
		GatewayNonceReplayed, GatewayStaleTimestamp, GatewayThrottled, GatewayUnknownAccessKey,
		GatewayDisabledKey, GatewayUnknownAction, GatewayUnknownVersion, GatewayBadMethod,
		GatewayRAMDenied, GatewayRAMDeniedLegacy, GatewayTokenMismatch, GatewayInternalError,
		GatewayUnavailable,
	}
	vocabNeighbour = []NeighbourState{
		NeighbourCertificateFormat, NeighbourKeyFormat, NeighbourKeyMismatch, NeighbourACLNameTaken,
		NeighbourACLEntryExists, NeighbourListenerNotFound, NeighbourListenerConfiguring,
		NeighbourSystemBusy, NeighbourOperationBusy, NeighbourServerCertificateNotFound,
		NeighbourCertificateInUse, NeighbourTagResourceNotFound, NeighbourCACertificateAbsent,
		NeighbourCACertificateInUse, NeighbourACLAbsent, NeighbourACLInUse, NeighbourTLSPolicyInUse,
	}
	vocabRules = []RuleID{
		RuleStickySessionTypeRequired, RuleCookieTimeoutRequired, RuleCookieRequired, RuleACLIDRequired,
		RuleACLTypeRequired, RuleBackendPortRequired, RuleHealthCheckDomainRequired,
		RuleServerCertificateRequired, RuleSingleServerCertificateForm, RuleOneServerBinding,
		RuleClientCertAliasesDistinct, RuleHealthCheckSettingsNeedCheck,
	}
	vocabRefKinds = []RefKind{
		RefListenerPort, RefLoadBalancer, RefServerCertificate, RefCACertificate, RefVServerGroup, RefACL,
	}
)
