// Charts the Helm tests make, in the shapes real charts have: CRDs in crds/, a custom resource of them, hooks
// (pre-install Job with a weight, post-install, test, pre-delete), `lookup`, `.Capabilities`, a cluster-scoped
// object, a subchart and a library chart in charts/, and a values.schema.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: { kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: { type: integer }
`;

const SCHEMA = {
  $schema: 'https://json-schema.org/draft-07/schema#',
  title: 'ignored title',
  type: 'object',
  properties: {
    replicas: { type: 'integer', minimum: 0, description: 'Pods of the web Deployment.' },
    image: { type: 'object', properties: { tag: { type: 'string' } }, required: ['tag'] },
    widgetSize: { type: 'integer' },
    brokenPort: { type: 'boolean' },
  },
};

/** The "shop" chart (version `version`, with `marker` in a ConfigMap so two builds differ) in `dir`. */
export function writeShopChart(dir: string, version = '1.0.0', marker = 'one'): void {
  writeFiles(dir, {
    'Chart.yaml': `apiVersion: v2\nname: shop\nversion: ${version}\nappVersion: "2.0.0"\ndependencies:\n  - name: common\n    version: 0.1.0\n  - name: cache\n    version: 0.2.0\n`,
    'values.yaml': 'replicas: 2\nimage:\n  tag: "2.0.0"\nwidgetSize: 3\nbrokenPort: false\n',
    'values.schema.json': JSON.stringify(SCHEMA, null, 2),
    'crds/widgets.yaml': CRD,
    'templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  labels: {{- include "common.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: { app: {{ .Release.Name }}-web }
  template:
    metadata:
      labels: { app: {{ .Release.Name }}-web }
    spec:
      containers:
        - name: web
          image: "ghcr.io/acme/web:{{ .Values.image.tag }}"
`,
    'templates/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-web
spec:
  selector: { app: {{ .Release.Name }}-web }
  ports:
    - port: {{ if .Values.brokenPort }}"not-a-port"{{ else }}80{{ end }}
`,
    'templates/widget.yaml': `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  size: {{ .Values.widgetSize }}\n`,
    'templates/clusterrole.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {{ .Release.Name }}-reader
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get]
`,
    // lookup finds nothing (no cluster), Capabilities answer for the target, and two documents in one template.
    'templates/facts.yaml': `{{- $secret := lookup "v1" "Secret" .Release.Namespace "existing" }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-facts
data:
  lookup: {{ if $secret }}found{{ else }}nothing{{ end }}
  kubeVersion: {{ .Capabilities.KubeVersion.Version | quote }}
  monitoring: {{ .Capabilities.APIVersions.Has "monitoring.example.com/v1" | quote }}
  namespace: {{ .Release.Namespace }}
  marker: ${marker}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-second
data: { index: "1" }
`,
    'templates/hooks.yaml': `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-5"
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: migrate, image: "ghcr.io/acme/migrate:1.0.0" }]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-installed
  annotations: { helm.sh/hook: post-install }
data: { done: "yes" }
---
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-cleanup
  annotations: { helm.sh/hook: pre-delete }
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: cleanup, image: "ghcr.io/acme/cleanup:1.0.0" }]
`,
    'templates/tests/test-connection.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-test
  annotations: { helm.sh/hook: test }
spec:
  containers: [{ name: wget, image: "busybox:1.36", command: [wget, "{{ .Release.Name }}-web"] }]
`,
    // A library chart: only named templates, no objects of its own.
    'charts/common/Chart.yaml': 'apiVersion: v2\nname: common\nversion: 0.1.0\ntype: library\n',
    'charts/common/templates/_labels.tpl': `{{- define "common.labels" -}}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: shop
{{- end }}
`,
    // An application subchart with its own values, overridable from the parent under `cache:`.
    'charts/cache/Chart.yaml': 'apiVersion: v2\nname: cache\nversion: 0.2.0\n',
    'charts/cache/values.yaml': 'memory: 64mb\n',
    'charts/cache/templates/configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-cache
data:
  memory: {{ .Values.memory }}
`,
  });
}

/** A plain small chart `name` (version `version`) whose ConfigMap holds `marker`. */
export function writeSmallChart(dir: string, name: string, version: string, marker: string): void {
  writeFiles(dir, {
    'Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: ${version}\n`,
    'templates/configmap.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-settings\ndata:\n  marker: ${marker}\n  greeting: {{ .Values.greeting | default "hello" }}\n`,
    'values.schema.json': JSON.stringify({ type: 'object', properties: { greeting: { type: 'string', enum: ['hello', 'hi'] } } }),
  });
}

/** gitops.config.ts of the test projects: one environment `dev`, bounds that admit the charts' kinds. */
export const HELM_CONFIG = `import { defineConfig } from 'typed-gitops/config';
export interface Values { readonly replicas: number }
export default defineConfig<Values>({
  environments: {
    dev: {
      values: { replicas: 1 },
      bounds: { namespaces: ['shop'], clusterKinds: ['Namespace', 'apiextensions.k8s.io/CustomResourceDefinition', 'rbac.authorization.k8s.io/ClusterRole'] },
    },
  },
  external: { namespaces: ['shop'] },
});
`;

/** An app named `name` holding one HelmChart with the props written as TypeScript in `props`. */
export function helmApp(name: string, props: string, header = ''): string {
  return `import { Chart } from 'cdk8s';
import { defineApp, HelmChart } from 'typed-gitops/lib';
import type { Values } from '../gitops.config.ts';
${header}
export default defineApp<Values>({
  name: '${name}',
  build(app, env) {
    const chart = new Chart(app, '${name}', { namespace: 'shop' });
    new HelmChart(chart, '${name}', ${props});
  },
});
`;
}
