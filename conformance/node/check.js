// Drives a CLB (Slb 2014-05-15) endpoint with the Node client @alicloud/pop-core, the way
// conformance/sdkcheck does with the Go clients, and prints one JSON document of named steps.
//
//   node check.js http://127.0.0.1:8080
//
// Run by sdkcheck.RunNode (and so by `clbcheck-sdk` and the Go tests), which passes in the
// environment:
//   ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET         the primary key (required)
//   CLBCHECK_STS_ACCESS_KEY_ID / _SECRET / CLBCHECK_STS_SECURITY_TOKEN   for the STS step
//   CLBCHECK_SECOND_ACCESS_KEY_ID / _SECRET       another account (cross-account certificate)
//   CLBCHECK_RESTRICTED_ACCESS_KEY_ID / _SECRET   a RAM user denied the operation under test
//   CLBCHECK_REGION                               RegionId (default cn-hangzhou)
//   CLBCHECK_CERT_PEM, CLBCHECK_KEY_PEM, CLBCHECK_CA_PEM   certificates to upload
// Optional credentials that are absent make their steps "skip". The exit status is 0 when the
// document was printed (whatever the steps say), 2 for a usage problem.
'use strict';

const RPCClient = require('@alicloud/pop-core');
// pop-core makes its nonce with kitx.makeNonce and its timestamp with new Date(); both are
// replaced for one call at a time to replay a request and to send an expired one.
const kitx = require('kitx');

const API_VERSION = '2014-05-15';
const CLIENT = 'node';
const POST = { method: 'POST' };

const endpoint = process.argv[2];
if (!endpoint || !/^https?:\/\/[^/]+\/?$/.test(endpoint)) {
  console.error('usage: node check.js http://HOST:PORT   (credentials in the environment, see the header of this file)');
  process.exit(2);
}
const env = (name) => process.env[name] || '';
for (const name of ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'CLBCHECK_CERT_PEM', 'CLBCHECK_KEY_PEM', 'CLBCHECK_CA_PEM']) {
  if (!env(name)) {
    console.error(`check.js: ${name} is not set`);
    process.exit(2);
  }
}
const region = env('CLBCHECK_REGION') || 'cn-hangzhou';

function client(id, secret, token) {
  const cfg = { accessKeyId: id, accessKeySecret: secret, endpoint: endpoint.replace(/\/$/, ''), apiVersion: API_VERSION };
  if (token) cfg.securityToken = token;
  return new RPCClient(cfg);
}

const steps = [];
const record = (s) => { steps.push(Object.assign({ client: CLIENT }, s)); return s; };
const oneLine = (s) => String(s).replace(/\s+/g, ' ').slice(0, 300);
// isTransport: the endpoint was not reached (a socket error rather than an answer).
const isTransport = (err) => Boolean(err && !err.data && typeof err.code === 'string' && /^E[A-Z]+$/.test(err.code));

// run records one step; f throws to fail it.
async function run(name, f) {
  try {
    await f();
    record({ name, outcome: 'pass' });
    return true;
  } catch (err) {
    record({ name, outcome: 'fail', detail: oneLine(err && err.message ? err.message : err), transport: isTransport(err) });
    return false;
  }
}

const skip = (name, why) => record({ name, outcome: 'skip', detail: why });

// expect records a step that must fail with a documented code; the Go side judges the code
// and the HTTP status against the description (which other codes and statuses it accepts),
// this side what the client made of the answer.
async function expect(name, code, f) {
  try {
    await f();
  } catch (err) {
    const data = err && err.data;
    if (!data) {
      record({ name, outcome: 'fail', want: code, detail: `want ${code}, got ${oneLine(err && err.message ? err.message : err)}`, transport: isTransport(err) });
      return;
    }
    const status = err.entry && err.entry.response ? err.entry.response.statusCode : 0;
    const problems = [];
    for (const f of ['RequestId', 'HostId', 'Code', 'Message']) {
      if (typeof data[f] !== 'string') problems.push(`${f} is not a string`);
    }
    record({
      name, want: code, code: err.code, status, requestId: typeof data.RequestId === 'string' ? data.RequestId : '',
      outcome: problems.length ? 'fail' : 'pass', detail: problems.join('; '),
    });
    return;
  }
  record({ name, outcome: 'fail', want: code, detail: `want ${code}, the call succeeded` });
}

// withClock runs f with pop-core's clock and nonce fixed.
async function withClock(date, nonce, f) {
  const RealDate = global.Date;
  const realNonce = kitx.makeNonce;
  global.Date = class extends RealDate {
    constructor(...args) { if (args.length) super(...args); else super(date.getTime()); }
  };
  kitx.makeNonce = () => nonce;
  try {
    return await f();
  } finally {
    global.Date = RealDate;
    kitx.makeNonce = realNonce;
  }
}

async function main() {
  const c = client(env('ALIBABA_CLOUD_ACCESS_KEY_ID'), env('ALIBABA_CLOUD_ACCESS_KEY_SECRET'), env('ALIBABA_CLOUD_SECURITY_TOKEN'));
  const call = (cl, action, params, opts) => cl.request(action, Object.assign({ RegionId: region }, params), opts || POST);
  const port = 443; const stsPort = 9443; const freePort = 8443;
  let lb = ''; let shared = ''; let cert = ''; let ca = ''; let acl = '';

  const ok = await run('CreateLoadBalancer', async () => {
    lb = (await call(c, 'CreateLoadBalancer', { LoadBalancerSpec: 'slb.s2.small' })).LoadBalancerId;
    if (!lb) throw new Error('no LoadBalancerId in the answer');
  });
  if (!ok) {
    skip('remaining steps', 'the first call failed');
    return;
  }
  try {
    await scenario();
  } finally {
    await run('DeleteLoadBalancer', () => call(c, 'DeleteLoadBalancer', { LoadBalancerId: lb }));
    if (shared) await run('DeleteLoadBalancer (shared spec)', () => call(c, 'DeleteLoadBalancer', { LoadBalancerId: shared }));
  }

  async function scenario() {
    await run('CreateLoadBalancer (shared spec)', async () => {
      shared = (await call(c, 'CreateLoadBalancer', {})).LoadBalancerId;
      if (!shared) throw new Error('no LoadBalancerId in the answer');
    });
    await run('UploadServerCertificate', async () => {
      cert = (await call(c, 'UploadServerCertificate', {
        ServerCertificate: env('CLBCHECK_CERT_PEM'), PrivateKey: env('CLBCHECK_KEY_PEM'), ServerCertificateName: 'sdkcheck node',
      })).ServerCertificateId;
      if (!cert) throw new Error('no ServerCertificateId in the answer');
    });
    await run('UploadCACertificate', async () => {
      ca = (await call(c, 'UploadCACertificate', { CACertificate: env('CLBCHECK_CA_PEM') })).CACertificateId;
      if (!ca) throw new Error('no CACertificateId in the answer');
    });
    await run('CreateAccessControlList', async () => {
      acl = (await call(c, 'CreateAccessControlList', { AclName: `sdkcheck-node-${kitx.makeNonce().slice(-8)}` })).AclId;
      if (!acl) throw new Error('no AclId in the answer');
    });
    if (acl) {
      await run('AddAccessControlListEntry', () => call(c, 'AddAccessControlListEntry',
        { AclId: acl, AclEntrys: JSON.stringify([{ entry: '192.0.2.0/24', comment: 'sdkcheck node' }]) }));
    }
    if (!cert || !ca || !acl) {
      skip('CreateLoadBalancerHTTPSListener', 'an earlier step failed');
      return;
    }
    const listener = (lbId, p, extra) => Object.assign({
      LoadBalancerId: lbId, ListenerPort: p, Bandwidth: -1, BackendServerPort: 80, HealthCheck: 'off',
      ServerCertificateId: cert, Tag: [{ Key: 'team', Value: 'edge team' }],
    }, extra || {});
    const create = (cl, params, opts) => () => call(cl, 'CreateLoadBalancerHTTPSListener', params, opts);
    const describe = { LoadBalancerId: lb, ListenerPort: port };

    await run('CreateLoadBalancerHTTPSListener', async () => {
      const res = await call(c, 'CreateLoadBalancerHTTPSListener', listener(lb, port, {
        CACertificateId: ca, TLSCipherPolicy: 'tls_cipher_policy_1_2', AclStatus: 'on', AclType: 'white', AclId: acl,
      }));
      if (!res.RequestId) throw new Error('no RequestId in the answer');
    });
    await run('CreateLoadBalancerHTTPSListener (GET, all in the query)', () => call(c, 'CreateLoadBalancerHTTPSListener',
      listener(lb, freePort + 1), { method: 'GET' }));
    await run('DescribeLoadBalancerHTTPSListenerAttribute', async () => {
      const got = await call(c, 'DescribeLoadBalancerHTTPSListenerAttribute', describe);
      const tag = got.Tags && got.Tags.Tag && got.Tags.Tag[0];
      const diffs = [];
      if (got.Status !== 'stopped') diffs.push(`Status=${got.Status}`);
      if (Number(got.ListenerPort) !== port) diffs.push(`ListenerPort=${got.ListenerPort}`);
      if (Number(got.Bandwidth) !== -1) diffs.push(`Bandwidth=${got.Bandwidth}`);
      if (got.ServerCertificateId !== cert) diffs.push(`ServerCertificateId=${got.ServerCertificateId}`);
      if (got.CACertificateId !== ca) diffs.push(`CACertificateId=${got.CACertificateId}`);
      if (!tag || tag.TagKey !== 'team' || tag.TagValue !== 'edge team') diffs.push(`Tags=${JSON.stringify(got.Tags)}`);
      if (diffs.length) throw new Error(`read back differs: ${diffs.join(', ')}`);
    });
    skip('DescribeLoadBalancerHTTPSListenerAttribute (XML)', 'pop-core reads every answer as JSON; it has no XML mode');

    await expect('listener on a port in use', 'InvalidParameter.ListenerPortConflict', create(c, listener(lb, port)));
    await expect('unknown server certificate', 'CertificateNotExist', create(c, listener(lb, freePort, { ServerCertificateId: 'sdkcheck-missing-cert' })));
    await expect('CA certificate as server certificate', 'CertificateTypeMismatched', create(c, listener(lb, freePort, { ServerCertificateId: ca })));
    await expect('unknown instance', 'InvalidLoadBalancerId.NotFound', create(c, listener('lb-sdkcheck-missing', freePort)));
    if (shared) {
      await expect('TLS policy on a shared-spec instance', 'InvalidParameter.SpecNotSupport',
        create(c, listener(shared, port, { TLSCipherPolicy: 'tls_cipher_policy_1_2' })));
    }
    await expect('IdleTimeout above 60', 'InvalidParameter.IdleTimeout', create(c, listener(lb, freePort, { IdleTimeout: 61 })));
    await expect('RequestTimeout above 180', 'InvalidParameter.RequestTimeout', create(c, listener(lb, freePort, { RequestTimeout: 181 })));
    const cn = listener(lb, freePort, { ServerCertificate: [{ CertificateId: cert, StandardType: 'cn' }] });
    delete cn.ServerCertificateId;
    await expect('cn certificate', 'CnCertificateNotSupport', create(c, cn));
    await expect('reserved tag key', 'InvalidParam.TagKey', create(c, listener(lb, freePort, { Tag: [{ Key: 'aliyun-reserved', Value: 'x' }] })));
    await expect('unknown ACL', 'AclNotExist', create(c, listener(lb, freePort, { AclStatus: 'on', AclType: 'white', AclId: 'acl-sdkcheck-missing' })));
    await expect('unknown TLS policy', 'InvalidTLSPolicyId.NotExist', create(c, listener(lb, freePort, { TLSCipherPolicy: 'tls-sdkcheck-missing' })));

    if (env('CLBCHECK_SECOND_ACCESS_KEY_ID')) {
      const other = client(env('CLBCHECK_SECOND_ACCESS_KEY_ID'), env('CLBCHECK_SECOND_ACCESS_KEY_SECRET'));
      let otherLB = '';
      if (await run('CreateLoadBalancer (second account)', async () => {
        otherLB = (await call(other, 'CreateLoadBalancer', { LoadBalancerSpec: 'slb.s2.small' })).LoadBalancerId;
      })) {
        await expect("another account's certificate", 'Certkey.Forbidden', create(other, listener(otherLB, port)));
        await run('DeleteLoadBalancer (second account)', () => call(other, 'DeleteLoadBalancer', { LoadBalancerId: otherLB }));
      }
    } else {
      skip("another account's certificate", 'no second account (CLBCHECK_SECOND_ACCESS_KEY_ID)');
    }
    if (env('CLBCHECK_RESTRICTED_ACCESS_KEY_ID')) {
      const denied = client(env('CLBCHECK_RESTRICTED_ACCESS_KEY_ID'), env('CLBCHECK_RESTRICTED_ACCESS_KEY_SECRET'));
      await expect('RAM user denied the operation', 'NoPermission', create(denied, listener(lb, freePort)));
    } else {
      skip('RAM user denied the operation', 'no restricted RAM user (CLBCHECK_RESTRICTED_ACCESS_KEY_ID)');
    }
    const bad = client(env('ALIBABA_CLOUD_ACCESS_KEY_ID'), `${env('ALIBABA_CLOUD_ACCESS_KEY_SECRET')}-wrong`, env('ALIBABA_CLOUD_SECURITY_TOKEN'));
    await expect('wrong secret', 'SignatureDoesNotMatch', create(bad, listener(lb, freePort)));
    const unknown = client('LTAIsdkcheckUnknownKey0', 'unknown');
    await expect('unknown access key', 'InvalidAccessKeyId.NotFound', create(unknown, listener(lb, freePort)));
    await expect('replayed nonce', 'SignatureNonceUsed', async () => {
      const nonce = `sdkcheck-replay-${kitx.makeNonce()}`;
      const now = new Date();
      // The same request twice: same clock, same nonce, so the same bytes and signature.
      await withClock(now, nonce, () => call(c, 'DescribeLoadBalancerHTTPSListenerAttribute', describe));
      await withClock(now, nonce, () => call(c, 'DescribeLoadBalancerHTTPSListenerAttribute', describe));
    });
    await expect('expired timestamp', 'InvalidTimeStamp.Expired', () => withClock(new Date(Date.now() - 3600 * 1000),
      `sdkcheck-expired-${kitx.makeNonce()}`, () => call(c, 'DescribeLoadBalancerHTTPSListenerAttribute', describe)));

    if (env('CLBCHECK_STS_SECURITY_TOKEN')) {
      const sts = client(env('CLBCHECK_STS_ACCESS_KEY_ID'), env('CLBCHECK_STS_ACCESS_KEY_SECRET'), env('CLBCHECK_STS_SECURITY_TOKEN'));
      if (await run('CreateLoadBalancerHTTPSListener (STS token)', create(sts, listener(lb, stsPort)))) {
        await run('DeleteLoadBalancerListener', () => call(c, 'DeleteLoadBalancerListener',
          { LoadBalancerId: lb, ListenerPort: stsPort, ListenerProtocol: 'https' }));
      }
    } else {
      skip('CreateLoadBalancerHTTPSListener (STS token)', 'no security token (ALIBABA_CLOUD_SECURITY_TOKEN)');
    }
    await run('StartLoadBalancerListener', () => call(c, 'StartLoadBalancerListener', describe));
    await run('DescribeLoadBalancerHTTPSListenerAttribute (started)', async () => {
      const got = await call(c, 'DescribeLoadBalancerHTTPSListenerAttribute', describe);
      if (got.Status !== 'starting' && got.Status !== 'running') throw new Error(`status ${got.Status} after start`);
    });
  }
}

main().then(() => {
  console.log(JSON.stringify({ client: CLIENT, steps }));
}, (err) => {
  record({ name: 'check.js', outcome: 'fail', detail: oneLine(err && err.stack ? err.stack : err) });
  console.log(JSON.stringify({ client: CLIENT, steps }));
});
