package emulator

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"hash/fnv"
	"strconv"
	"time"

	"github.com/clbcheck/clbcheck/spec"
)

// How the neighbouring operations render what they store, in the shapes the official SDKs'
// typed models read: a list is wrapped in an object named after its items (Tags.Tag) where
// the models wrap it, and plain where they do not (a listener item's Tags and AclIds);
// integers are numbers, timestamps are milliseconds.

// Values the answers report for what the emulator does not model.
const (
	lbStatusActive      = "active"
	businessNormal      = "Normal"
	payOnDemand         = "PayOnDemand"
	chargePayBySpec     = "PayBySpec"
	chargeByTraffic     = "paybytraffic"
	networkClassic      = "classic"
	networkVPC          = "vpc"
	switchOff           = "off"
	nonProtection       = "NonProtection"
	unmanaged           = "Unmanaged"
	defaultBandwidth    = 5120
	defaultWeight       = 100
	backendECS          = "ecs"
	minuteLayout        = "2006-01-02T15:04Z"
	algorithmRSA        = "RSA"
	algorithmECC        = "ECC"
	algorithmEd25519    = "ED25519"
	notAliCloudCert     = 0
	resourceGroupPrefix = "rg-"
)

// endOfPostpaid is the end time the service reports for a pay-as-you-go instance.
var endOfPostpaid = time.Date(2999, 9, 8, 16, 0, 0, 0, time.UTC)

func millis(t time.Time) int64 { return t.UnixMilli() }

// resourceGroup is the default resource group of an account, the same for all its resources.
func resourceGroup(account string) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(account))
	return fmt.Sprintf("%sacfm%011x", resourceGroupPrefix, h.Sum64()&0xfffffffffff)
}

// wrapTags renders tags wrapped (Tags.Tag), as most answers carry them.
func wrapTags(tags []tag) orderedMap { return fields(kv{spec.FieldTag, tagItems(tags)}) }

func (lb *instance) networkType() string {
	if lb.VpcID != "" {
		return networkVPC
	}
	return networkClassic
}

// lbItem renders an instance as DescribeLoadBalancers lists it; DescribeLoadBalancerAttribute
// adds its listeners and servers.
func (e *Emulator) lbItem(account, region string, lb *instance) orderedMap {
	bw := lb.Bandwidth
	if bw == 0 {
		bw = defaultBandwidth
	}
	return fields(
		kv{spec.FieldLoadBalancerID, lb.ID},
		kv{spec.ParamLoadBalancerName, lb.Name},
		kv{spec.FieldLoadBalancerStatus, lbStatusActive},
		kv{spec.FieldAddress, lb.Address},
		kv{spec.ParamAddressType, lb.AddressType},
		kv{spec.ParamAddressIPVersion, lb.IPVersion},
		kv{spec.FieldNetworkType, lb.networkType()},
		kv{spec.ParamVpcID, lb.VpcID},
		kv{spec.ParamVSwitchID, lb.VSwitchID},
		kv{spec.ParamMasterZoneID, lb.Zone},
		kv{spec.ParamSlaveZoneID, orDefault(lb.SlaveZone, region+"-b")},
		kv{spec.ParamLoadBalancerSpec, lb.Spec},
		kv{spec.ParamInstanceChargeType, orDefault(lb.InstanceChargeType, chargePayBySpec)},
		kv{spec.ParamInternetChargeType, orDefault(lb.InternetChargeType, chargeByTraffic)},
		kv{spec.FieldPayType, payOnDemand},
		kv{spec.ParamBandwidth, bw},
		kv{spec.ParamRegionID, region},
		kv{spec.FieldRegionIDAlias, region},
		kv{spec.FieldCreateTime, lb.Created.UTC().Format(minuteLayout)},
		kv{spec.FieldCreateTimeStamp, millis(lb.Created)},
		kv{spec.FieldResourceGroupID, resourceGroup(account)},
		kv{spec.FieldBusinessStatus, businessNormal},
		kv{spec.FieldDeleteProtection, switchOff},
		kv{spec.FieldModificationProtection, nonProtection},
		kv{spec.FieldServiceManagedMode, unmanaged},
		kv{spec.FieldTags, wrapTags(lb.Tags)},
	)
}

// keyInfo names the algorithm and size of a certificate's public key.
func keyInfo(cert *x509.Certificate) (string, int) {
	switch k := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		return algorithmRSA, k.N.BitLen()
	case *ecdsa.PublicKey:
		return algorithmECC, k.Curve.Params().BitSize
	case ed25519.PublicKey:
		return algorithmEd25519, 256
	}
	return algorithmRSA, 2048
}

// certFields are the fields of a certificate common to the upload answers and the listings.
func certFields(account, region string, c *certificate) orderedMap {
	return fields(
		kv{spec.FieldFingerprint, c.Fingerprint},
		kv{spec.FieldCommonName, c.CommonName},
		kv{spec.FieldExpireTime, c.Expires.UTC().Format(timeLayout)},
		kv{spec.FieldExpireTimeStamp, millis(c.Expires)},
		kv{spec.FieldCreateTime, c.Created.UTC().Format(timeLayout)},
		kv{spec.FieldCreateTimeStamp, millis(c.Created)},
		kv{spec.FieldResourceGroupID, resourceGroup(account)},
		kv{spec.ParamRegionID, region},
	)
}

func altNames(c *certificate) orderedMap {
	return fields(kv{spec.FieldSubjectAltName, append([]string{}, c.AltNames...)})
}

// serverCertItem renders a server certificate as DescribeServerCertificates lists it.
func serverCertItem(account, region string, c *certificate) orderedMap {
	out := certFields(account, region, c)
	for _, f := range []kv{
		{spec.FieldServerCertificateID, c.ID},
		{spec.ParamServerCertificateName, c.Name},
		{spec.FieldRegionIDAlias, region},
		{spec.FieldIsAliCloudCertificate, notAliCloudCert},
		{spec.FieldSubjectAltNames, altNames(c)},
		{spec.FieldEncryptionAlgorithm, orDefault(c.KeyAlgorithm, algorithmRSA)},
		{spec.FieldEncryptionKeyLength, c.KeyBits},
		{spec.FieldStandardType, c.StandardType},
		{spec.FieldTags, wrapTags(c.Tags)},
	} {
		out = out.set(f.k, f.v)
	}
	return out
}

// caCertItem renders a CA certificate as DescribeCACertificates lists it.
func caCertItem(account, region string, c *certificate) orderedMap {
	out := certFields(account, region, c)
	for _, f := range []kv{
		{spec.FieldCACertificateID, c.ID},
		{spec.ParamCACertificateName, c.Name},
		{spec.FieldEncryptionAlgorithm, orDefault(c.KeyAlgorithm, algorithmRSA)},
		{spec.FieldEncryptionKeyLength, c.KeyBits},
		{spec.FieldStandardType, c.StandardType},
		{spec.FieldTags, wrapTags(c.Tags)},
	} {
		out = out.set(f.k, f.v)
	}
	return out
}

// intOr reads an integer, d when it does not read as one.
func intOr(s string, d int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return d
}

// defaultBackendProtocol is what an HTTPS listener speaks to its backends when BackendProtocol
// was not given: it ends TLS and forwards HTTP. The description gives the parameter no default.
const defaultBackendProtocol = "http"

// backendProtocol is the protocol a listener speaks to its backends.
func backendProtocol(l *listener) string {
	return orDefault(l.Attributes[spec.ParamBackendProtocol], defaultBackendProtocol)
}
