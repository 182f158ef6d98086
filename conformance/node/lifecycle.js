// A plain lifecycle against a CLB endpoint from the two Node clients, @alicloud/pop-core
// (signature V1) and the Darabonba OpenAPI runtime @alicloud/openapi-client (callApi,
// ACS3-HMAC-SHA256): create an instance, upload a certificate, create an HTTPS listener, start,
// stop, change it, tag, untag, list, delete, without waiting between steps. Every success body
// is compared with the shape of the classic Go SDK's typed response (a JSON file written by the
// Go test: wrapper or plain array, number or string, exact names, no unknown key).
//
//   node lifecycle.js http://127.0.0.1:8080
//
// Environment: ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET, CLBCHECK_REGION, CLBCHECK_CERT_PEM,
// CLBCHECK_KEY_PEM, CLBCHECK_SHAPES (the shapes file). Prints {"steps":[...]}; exit 0 once printed.
'use strict';

const fs = require('fs');
const RPCClient = require('@alicloud/pop-core');
const OpenApi = require('@alicloud/openapi-client');
const Util = require('@alicloud/tea-util');

const API_VERSION = '2014-05-15';
const endpoint = (process.argv[2] || '').replace(/\/$/, '');
if (!/^https?:\/\/[^/]+$/.test(endpoint)) {
  console.error('usage: node lifecycle.js http://HOST:PORT');
  process.exit(2);
}
const env = (n) => process.env[n] || '';
const region = env('CLBCHECK_REGION') || 'cn-hangzhou';
const shapes = JSON.parse(fs.readFileSync(env('CLBCHECK_SHAPES'), 'utf8'));
const steps = [];
const oneLine = (s) => String(s).replace(/\s+/g, ' ').slice(0, 300);

// shapeProblems compares a decoded JSON value with a shape of the Go SDK's struct.
function shapeProblems(path, v, shape, out) {
  const kind = Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
  switch (shape.kind) {
    case 'object': {
      if (kind !== 'object') { out.push(`${path}: the SDK reads an object, the answer has ${kind}`); return; }
      for (const k of Object.keys(v)) {
        const sub = shape.fields[k];
        const p = path ? `${path}.${k}` : k;
        if (sub) { shapeProblems(p, v[k], sub, out); continue; }
        const folded = Object.keys(shape.fields).find((f) => f.toLowerCase() === k.toLowerCase());
        out.push(folded ? `${p}: the SDK reads "${folded}" (the name differs in case)` : `${p}: the SDK has no such field`);
      }
      return;
    }
    case 'array':
      if (kind !== 'array') { out.push(`${path}: the SDK reads a plain array, the answer has ${kind}`); return; }
      v.forEach((item) => shapeProblems(`${path}[]`, item, shape.item, out));
      return;
    case 'map':
      if (kind !== 'object') out.push(`${path}: the SDK reads an object, the answer has ${kind}`);
      return;
    default:
      if (kind !== shape.kind) out.push(`${path}: the SDK reads a ${shape.kind}, the answer has ${kind}`);
  }
}

// The two clients, each as call(action, params) returning the parsed success body.
function popClient() {
  const c = new RPCClient({
    accessKeyId: env('ALIBABA_CLOUD_ACCESS_KEY_ID'), accessKeySecret: env('ALIBABA_CLOUD_ACCESS_KEY_SECRET'),
    endpoint, apiVersion: API_VERSION,
  });
  return (action, params) => c.request(action, Object.assign({ RegionId: region }, params), { method: 'POST' });
}

function v3Client() {
  const url = new URL(endpoint);
  const c = new OpenApi.default(new OpenApi.Config({
    accessKeyId: env('ALIBABA_CLOUD_ACCESS_KEY_ID'), accessKeySecret: env('ALIBABA_CLOUD_ACCESS_KEY_SECRET'),
    endpoint: url.host, protocol: url.protocol.replace(':', '').toUpperCase(), regionId: region,
  }));
  return async (action, params) => {
    const p = new OpenApi.Params({
      action, version: API_VERSION, protocol: url.protocol.replace(':', '').toUpperCase(), pathname: '/',
      method: 'POST', authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json',
    });
    const query = {};
    for (const [k, v] of Object.entries(Object.assign({ RegionId: region }, params))) query[k] = String(v);
    const res = await c.callApi(p, new OpenApi.OpenApiRequest({ query }), new Util.RuntimeOptions({}));
    return res.body;
  };
}

async function lifecycle(name, call) {
  const run = async (step, action, params, check) => {
    try {
      const body = await call(action, params);
      const problems = [];
      if (shapes[action]) shapeProblems('', body, shapes[action], problems);
      if (check) { const why = check(body); if (why) problems.push(why); }
      steps.push({ client: name, name: step, outcome: problems.length ? 'fail' : 'pass', detail: problems.join('; ') });
      return problems.length ? null : body;
    } catch (err) {
      steps.push({ client: name, name: step, outcome: 'fail', detail: oneLine(err && err.message ? err.message : err) });
      return null;
    }
  };
  const lb = await run('CreateLoadBalancer', 'CreateLoadBalancer', { LoadBalancerSpec: 'slb.s2.small', LoadBalancerName: `node-${name}` });
  if (!lb) return;
  const id = lb.LoadBalancerId;
  const cert = await run('UploadServerCertificate', 'UploadServerCertificate', {
    ServerCertificate: env('CLBCHECK_CERT_PEM'), PrivateKey: env('CLBCHECK_KEY_PEM'), ServerCertificateName: `node-${name}`,
  });
  if (!cert) return;
  const key = { LoadBalancerId: id, ListenerPort: 443 };
  await run('CreateLoadBalancerHTTPSListener', 'CreateLoadBalancerHTTPSListener', Object.assign({
    Bandwidth: -1, BackendServerPort: 80, HealthCheck: 'off', ServerCertificateId: cert.ServerCertificateId,
  }, key));
  await run('StartLoadBalancerListener', 'StartLoadBalancerListener', key);
  await run('StopLoadBalancerListener (right after the start)', 'StopLoadBalancerListener', key);
  await run('SetLoadBalancerHTTPSListenerAttribute', 'SetLoadBalancerHTTPSListenerAttribute', Object.assign({ IdleTimeout: 30, Description: `changed-by-${name}` }, key));
  await run('DescribeLoadBalancerHTTPSListenerAttribute', 'DescribeLoadBalancerHTTPSListenerAttribute', key,
    (b) => (b.IdleTimeout === 30 && b.Status === 'stopped' ? '' : `read back IdleTimeout=${b.IdleTimeout} Status=${b.Status}`));
  const res = { ResourceType: 'instance', 'ResourceId.1': id };
  await run('TagResources', 'TagResources', Object.assign({ 'Tag.1.Key': 'team', 'Tag.1.Value': 'edge' }, res));
  await run('ListTagResources', 'ListTagResources', res,
    (b) => (b.TagResources.TagResource.length === 1 ? '' : `${b.TagResources.TagResource.length} tags read back, want 1`));
  await run('UntagResources', 'UntagResources', Object.assign({ 'TagKey.1': 'team' }, res));
  await run('DescribeLoadBalancers', 'DescribeLoadBalancers', { LoadBalancerId: id });
  await run('DescribeLoadBalancerAttribute', 'DescribeLoadBalancerAttribute', { LoadBalancerId: id });
  await run('DescribeLoadBalancerListeners', 'DescribeLoadBalancerListeners', { 'LoadBalancerId.1': id });
  await run('DescribeServerCertificates', 'DescribeServerCertificates', { ServerCertificateId: cert.ServerCertificateId });
  await run('DeleteLoadBalancerListener', 'DeleteLoadBalancerListener', key);
  try {
    await call('DescribeLoadBalancerHTTPSListenerAttribute', key);
    steps.push({ client: name, name: 'read the deleted listener', outcome: 'fail', detail: 'the call succeeded' });
  } catch (err) {
    const msg = String((err.data && (err.data.Message || err.data.message)) || err.message || '');
    steps.push({
      client: name, name: 'read the deleted listener',
      outcome: msg.includes('The specified resource does not exist') ? 'pass' : 'fail', detail: oneLine(msg),
    });
  }
  await run('DeleteServerCertificate', 'DeleteServerCertificate', { ServerCertificateId: cert.ServerCertificateId });
  await run('DeleteLoadBalancer', 'DeleteLoadBalancer', { LoadBalancerId: id });
}

(async () => {
  await lifecycle('node-pop-core', popClient());
  await lifecycle('node-openapi-v3', v3Client());
})().then(() => console.log(JSON.stringify({ steps })), (err) => {
  steps.push({ client: 'lifecycle.js', name: 'run', outcome: 'fail', detail: oneLine(err && err.stack ? err.stack : err) });
  console.log(JSON.stringify({ steps }));
});
