// The generated wrapper go.mod: every ./staging replace of the release becomes a
// replace with the published tag, and the tool block names every binary.
import { describe, expect, it } from 'vitest';
import { versions } from './versions.js';
import { stagingModules, versionLdflags, wrapperGoMod } from './wrapper-module.js';

const releaseGoMod = `module k8s.io/kubernetes

go 1.26.0

godebug default=go1.26

require (
	k8s.io/api v0.0.0
	go.etcd.io/etcd/server/v3 v3.7.0 // indirect
)

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	k8s.io/kube-aggregator => ./staging/src/k8s.io/kube-aggregator
	sigs.k8s.io/other => sigs.k8s.io/other v1.0.0
)
`;

describe('wrapper module', () => {
  it('takes the staging modules from the release go.mod', () => {
    expect(stagingModules(releaseGoMod)).toEqual(['k8s.io/api', 'k8s.io/kube-aggregator']);
  });

  it('replaces staging modules with their published tag and keeps go and godebug lines', () => {
    const mod = wrapperGoMod(releaseGoMod, { ...versions, kubernetes: 'v1.36.3' });
    expect(mod).toContain('\tk8s.io/api => k8s.io/api v0.36.3\n');
    expect(mod).toContain('\tk8s.io/kube-aggregator => k8s.io/kube-aggregator v0.36.3\n');
    expect(mod).not.toContain('sigs.k8s.io/other');
    expect(mod).toContain('\ngo 1.26.0\n');
    expect(mod).toContain('\ngodebug default=go1.26\n');
    expect(mod).toMatch(/tool \(\n\tk8s.io\/kubernetes\/cmd\/kube-apiserver\n\tk8s.io\/kubernetes\/cmd\/kube-controller-manager\n\tk8s.io\/kubernetes\/cmd\/kube-scheduler\n\tgo.etcd.io\/etcd\/server\/v3\n\)/);
  });

  it('refuses a go.mod without staging replaces', () => {
    expect(() => wrapperGoMod('module k8s.io/kubernetes\n', versions)).toThrow(/no .\/staging replaces/);
  });

  it('stamps the Kubernetes version into the binaries', () => {
    expect(versionLdflags('kube-apiserver', { ...versions, kubernetes: 'v1.37.2' })).toContain('version.gitMinor=37');
  });
});
