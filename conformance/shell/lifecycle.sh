#!/usr/bin/env bash
# A plain lifecycle against a CLB endpoint with curl, signing each request with signature V1
# (HMAC-SHA1) in the shell: create an instance, upload a certificate, create an HTTPS listener,
# start, stop, change an attribute, tag, untag, delete, without any waiting between steps.
#
#   ENDPOINT=http://127.0.0.1:8080 ACCESS_KEY_ID=... ACCESS_KEY_SECRET=... \
#   CERT_PEM_FILE=cert.pem KEY_PEM_FILE=key.pem ./lifecycle.sh
#
# Prints one line per step ("ok STEP" or "FAIL STEP: answer") and exits 1 at the first failure.
set -euo pipefail

: "${ENDPOINT:?ENDPOINT is required}" "${ACCESS_KEY_ID:?}" "${ACCESS_KEY_SECRET:?}" "${CERT_PEM_FILE:?}" "${KEY_PEM_FILE:?}"
REGION=${REGION:-cn-hangzhou}

# enc percent-encodes a value the way signature V1 wants (RFC 3986: only A-Z a-z 0-9 - _ . ~ kept).
enc() {
	local s=$1 out='' c i
	local LC_ALL=C
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[A-Za-z0-9._~-]) out+=$c ;;
		*) out+=$(printf '%%%02X' "'$c") ;;
		esac
	done
	printf '%s' "$out"
}

# call ACTION NAME=VALUE... sends a signed POST and prints the JSON answer; it fails on an
# error status.
call() {
	local action=$1
	shift
	local -a pairs=(
		"Action=$action" "Version=2014-05-15" "Format=JSON" "RegionId=$REGION"
		"AccessKeyId=$ACCESS_KEY_ID" "SignatureMethod=HMAC-SHA1" "SignatureVersion=1.0"
		"SignatureNonce=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
		"Timestamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$@"
	)
	local -a encoded=()
	local p
	for p in "${pairs[@]}"; do
		encoded+=("$(enc "${p%%=*}")=$(enc "${p#*=}")")
	done
	local query
	query=$(printf '%s\n' "${encoded[@]}" | LC_ALL=C sort | paste -sd '&')
	local sig
	sig=$(printf 'POST&%s&%s' "$(enc /)" "$(enc "$query")" |
		openssl dgst -sha1 -hmac "$ACCESS_KEY_SECRET&" -binary | base64)
	curl -sS --fail-with-body -X POST -H 'Content-Type: application/x-www-form-urlencoded' \
		--data "$query&Signature=$(enc "$sig")" "$ENDPOINT/"
}

# step NAME ACTION PARAMS... runs a call and reports it.
step() {
	local name=$1
	shift
	local out
	if out=$(call "$@" 2>&1); then
		echo "ok $name" >&2
		printf '%s' "$out"
	else
		echo "FAIL $name: $out" >&2
		exit 1
	fi
}

field() { jq -er ".$1"; }

lb=$(step CreateLoadBalancer CreateLoadBalancer LoadBalancerSpec=slb.s2.small LoadBalancerName=shell | field LoadBalancerId)
cert=$(step UploadServerCertificate UploadServerCertificate "ServerCertificate=$(cat "$CERT_PEM_FILE")" \
	"PrivateKey=$(cat "$KEY_PEM_FILE")" ServerCertificateName=shell | field ServerCertificateId)
listener=(LoadBalancerId="$lb" ListenerPort=443)
step CreateLoadBalancerHTTPSListener CreateLoadBalancerHTTPSListener "${listener[@]}" Bandwidth=-1 \
	BackendServerPort=80 HealthCheck=off "ServerCertificateId=$cert" >/dev/null
step StartLoadBalancerListener StartLoadBalancerListener "${listener[@]}" >/dev/null
step StopLoadBalancerListener StopLoadBalancerListener "${listener[@]}" >/dev/null
step SetLoadBalancerHTTPSListenerAttribute SetLoadBalancerHTTPSListenerAttribute "${listener[@]}" \
	IdleTimeout=30 Description=changed-by-shell >/dev/null
idle=$(step DescribeLoadBalancerHTTPSListenerAttribute DescribeLoadBalancerHTTPSListenerAttribute "${listener[@]}" | field IdleTimeout)
[[ $idle == 30 ]] || { echo "FAIL read back: IdleTimeout=$idle, want 30" >&2; exit 1; }
step TagResources TagResources ResourceType=instance "ResourceId.1=$lb" Tag.1.Key=team Tag.1.Value=edge >/dev/null
tags=$(step ListTagResources ListTagResources ResourceType=instance "ResourceId.1=$lb" | jq -er '.TagResources.TagResource | length')
[[ $tags == 1 ]] || { echo "FAIL read back: $tags tags, want 1" >&2; exit 1; }
step UntagResources UntagResources ResourceType=instance "ResourceId.1=$lb" TagKey.1=team >/dev/null
step DeleteLoadBalancerListener DeleteLoadBalancerListener "${listener[@]}" >/dev/null
step DeleteServerCertificate DeleteServerCertificate "ServerCertificateId=$cert" >/dev/null
step DeleteLoadBalancer DeleteLoadBalancer "LoadBalancerId=$lb" >/dev/null
echo "lifecycle done" >&2
