// CRDs the import tests write, one field per case that breaks `cdk8s import` or needs care: unions,
// int-or-string, preserved unknown fields, array enums, maps, several versions, reserved and odd names,
// embedded resources, a status subresource, nesting deeper than the emitter types, a kind whose name
// collides with another kind's generated type.
export const EDGE_GROUP = 'edge.example.com';

/** Nested objects `levels` deep under `leaf`. */
export function nested(levels: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'string' };
  for (let i = 0; i < levels; i++) schema = { type: 'object', properties: { next: schema } };
  return schema;
}

const spec = {
  type: 'object',
  description: 'WidgetSpec is what a widget should be.\nA second line with */ in it.',
  required: ['port'],
  properties: {
    port: { 'x-kubernetes-int-or-string': true, description: 'A port number or name.' },
    config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    anything: { 'x-kubernetes-preserve-unknown-fields': true },
    modes: { type: 'array', items: { type: 'string', enum: ['fast', 'slow'] } },
    pairs: { type: 'array', items: { type: 'string' }, enum: [['a', 'b'], ['c']] },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    limits: { type: 'object', additionalProperties: { type: 'object', properties: { max: { type: 'integer', default: 10 } } } },
    source: {
      type: 'object',
      properties: { git: { type: 'string' }, oci: { type: 'string' } },
      oneOf: [{ required: ['git'] }, { required: ['oci'] }],
    },
    target: { anyOf: [{ type: 'integer' }, { type: 'string' }] },
    default: { type: 'string' },
    class: { type: 'string' },
    'odd-name.with/chars': { type: 'string' },
    '2fa': { type: 'boolean' },
    note: { type: 'string', nullable: true },
    template: {
      type: 'object',
      'x-kubernetes-embedded-resource': true,
      'x-kubernetes-preserve-unknown-fields': true,
      properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
    },
    deep: nested(60),
  },
};

/** Widget: v1 (storage, with status), v1beta1 (served), v1alpha1 (not served); and WidgetSpec, whose class name Widget's spec type would take. */
export function edgeCrds(): Record<string, unknown>[] {
  const schema = (s: Record<string, unknown>) => ({ openAPIV3Schema: { type: 'object', description: 'A widget.', properties: { spec: s, status: { type: 'object', properties: { ready: { type: 'boolean' } } } } } });
  return [
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `widgets.${EDGE_GROUP}` },
      spec: {
        group: EDGE_GROUP,
        scope: 'Namespaced',
        names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
        versions: [
          { name: 'v1', served: true, storage: true, schema: schema(spec), subresources: { status: {} } },
          { name: 'v1beta1', served: true, storage: false, schema: schema({ type: 'object', properties: { size: { type: 'integer' } } }) },
          { name: 'v1alpha1', served: false, storage: false, schema: schema({ type: 'object' }) },
        ],
      },
    },
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `widgetspecs.${EDGE_GROUP}` },
      spec: {
        group: EDGE_GROUP,
        scope: 'Cluster',
        names: { kind: 'WidgetSpec', plural: 'widgetspecs' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }],
      },
    },
  ];
}
