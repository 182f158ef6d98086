// Drives the clbcheck emulator with the Node client @alicloud/pop-core. Run by
// conformance/node_test.go, which passes the endpoint, the credentials and a certificate in
// the environment. Prints one JSON line with what it saw; exits non-zero on the first surprise.
'use strict';
const RPCClient = require('@alicloud/pop-core');

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`missing ${name}`);
  return v;
};

function client(keyId, secret) {
  return new RPCClient({
    accessKeyId: keyId,
    accessKeySecret: secret,
    endpoint: env('EMULATOR_ENDPOINT'),
    apiVersion: '2014-05-15',
  });
}

async function expectError(promise, code) {
  try {
    await promise;
  } catch (err) {
    if (err.code !== code) throw new Error(`want ${code}, got ${err.code}: ${err.message}`);
    for (const f of ['RequestId', 'HostId', 'Code', 'Message', 'Recommend']) {
      if (typeof err.data[f] !== 'string') throw new Error(`${code}: ${f} is not a string`);
    }
    return err.data;
  }
  throw new Error(`want ${code}, the call succeeded`);
}

async function main() {
  const post = { method: 'POST' };
  const c = client(env('EMULATOR_KEY_ID'), env('EMULATOR_KEY_SECRET'));
  const region = env('EMULATOR_REGION');
  const lb = await c.request('CreateLoadBalancer', { RegionId: region, LoadBalancerSpec: 'slb.s2.small' }, post);
  const cert = await c.request('UploadServerCertificate', {
    RegionId: region, ServerCertificate: env('EMULATOR_CERT'), PrivateKey: env('EMULATOR_KEY'),
  }, post);
  const listener = (port, extra) => Object.assign({
    RegionId: region, LoadBalancerId: lb.LoadBalancerId, ListenerPort: port, Bandwidth: -1,
    BackendServerPort: 80, HealthCheck: 'off', ServerCertificateId: cert.ServerCertificateId,
    Tag: [{ Key: 'team', Value: 'edge team' }],
  }, extra || {});
  const created = await c.request('CreateLoadBalancerHTTPSListener', listener(443), post);
  if ('Code' in created) throw new Error('a success body carries a Code');
  // GET as well: everything in the query.
  await c.request('CreateLoadBalancerHTTPSListener', listener(8443));
  const got = await c.request('DescribeLoadBalancerHTTPSListenerAttribute',
    { RegionId: region, LoadBalancerId: lb.LoadBalancerId, ListenerPort: 443 }, post);
  const tag = got.Tags.Tag[0];
  if (got.Status !== 'stopped' || got.ListenerPort !== 443 || tag.TagValue !== 'edge team') {
    throw new Error(`listener read back differs: ${JSON.stringify(got)}`);
  }
  const seen = [];
  seen.push((await expectError(c.request('CreateLoadBalancerHTTPSListener', listener(443), post),
    'InvalidParameter.ListenerPortConflict')).Code);
  seen.push((await expectError(c.request('CreateLoadBalancerHTTPSListener',
    listener(9443, { ServerCertificateId: 'missing' }), post), 'CertificateNotExist')).Code);
  seen.push((await expectError(c.request('CreateLoadBalancerHTTPSListener',
    listener(9443, { RequestTimeout: 181 }), post), 'InvalidParameter.RequestTimeout')).Code);
  const bad = client(env('EMULATOR_KEY_ID'), 'wrong-secret');
  seen.push((await expectError(bad.request('CreateLoadBalancerHTTPSListener', listener(9443), post),
    'SignatureDoesNotMatch')).Code);
  console.log(JSON.stringify({ ok: true, listener: got.ListenerPort, errors: seen }));
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
