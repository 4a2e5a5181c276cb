// Request paths: client-go's path segment rules, every segment encoded, and no request at all for a
// name that would address another object (checked against a local HTTP server that records paths).
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatError } from '../core/errors.ts';
import { KubeClient } from './kube.ts';
import { apiPath, KubeHttp, pathSegmentProblem, UnsafePathError } from './kube-http.ts';
import type { KubeConnection } from './kubeconfig.ts';

describe('pathSegmentProblem', () => {
  it.each([
    ['', 'may not be empty'],
    ['.', "may not be '.'"],
    ['..', "may not be '..'"],
    ['a/..', "may not contain '/'"],
    ['%2e%2e', "may not contain '%'"],
    ['a\0b', 'may not contain NUL'],
    ['a/%', "may not contain '/' or '%'"],
    ['a\uD800', 'is not well-formed Unicode (a lone surrogate)'],
  ])('refuses %j', (segment, problem) => {
    expect(pathSegmentProblem(segment)).toBe(problem);
  });

  it.each(['web', 'caf\u00e9-\u{1F600}', '...', '.hidden', 'a..b', 'system:aggregate-to-view', 'say "hi"'])('accepts %j', (segment) => {
    expect(pathSegmentProblem(segment)).toBeUndefined();
  });
});

describe('apiPath', () => {
  it('encodes every segment', () => {
    expect(apiPath([['path', 'api'], ['name', 'system:a b?#"']])).toBe('/api/system%3Aa%20b%3F%23%22');
  });

  it('names the segment and why', () => {
    expect(() => apiPath([['path', 'api'], ['name', '..']])).toThrow(new UnsafePathError(`the name ".." may not be '..'`));
  });
});

describe('requests', () => {
  const paths: string[] = [];
  let server: Server;
  let connection: KubeConnection;
  beforeAll(async () => {
    server = createServer((req, res) => {
      paths.push(req.url!);
      res.setHeader('Content-Type', 'application/json');
      if (req.url === '/api/v1') res.end(JSON.stringify({ resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }, { name: 'namespaces', kind: 'Namespace', namespaced: false }] }));
      else res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    connection = { server: `http://127.0.0.1:${port}`, namespace: 'default', tls: { rejectUnauthorized: true }, source: 'test', authenticate: async () => {} };
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([['victim', '..'], ['victim', '.'], ['victim', 'a/..'], ['victim', '%2e%2e'], ['victim', ''], ['..', 'x'], ['a/b', 'x']])(
    'sends nothing for ConfigMap %s/%s and says why, naming it', async (namespace, name) => {
      paths.length = 0;
      const kube = new KubeClient(connection);
      const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace } };
      for (const attempt of [
        kube.delete({ ...configMap, group: '', kind: 'ConfigMap', namespace, name }, 'Background'),
        kube.read('v1', 'ConfigMap', namespace, name),
        kube.apply(configMap),
        kube.replace(configMap),
      ]) {
        const error = await attempt.then(() => 'no error', formatError);
        expect(error).toMatch(new RegExp(`^ConfigMap ${escape(`${namespace}/${name}`)}: refused before any request: the (name|namespace) ".*" may not`));
      }
      expect(paths.filter((p) => p !== '/api/v1')).toEqual([]);
    });

  it('refuses an apiVersion that is not group/version', async () => {
    const error = await new KubeClient(connection).read('a/b/c', 'Gadget', 'default', 'g').catch(formatError);
    expect(error).toBe(`Gadget default/g: refused before any request: the API version "b/c" may not contain '/'\n  -> Kubernetes names are DNS-1123 names; rename the object (or fix its apiVersion) where it is defined.`);
  });

  it('encodes names it sends', async () => {
    paths.length = 0;
    await new KubeClient(connection).read('v1', 'ConfigMap', 'shop', 'system:x');
    expect(paths.at(-1)).toBe('/api/v1/namespaces/shop/configmaps/system%3Ax');
  });

  it('refuses a raw path with dot segments before connecting', async () => {
    for (const path of ['/api/v1/namespaces/victim/configmaps/..', '/api/v1/namespaces/victim/configmaps/.', '/api/v1/x/%2e%2E']) {
      await expect(new KubeHttp(connection).request('DELETE', path)).rejects.toThrow(UnsafePathError);
    }
    expect(paths.some((p) => p.includes('victim'))).toBe(false);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
