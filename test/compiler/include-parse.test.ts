// The pure parts of Include: manifests parsed into objects with file#index, and fields set or removed by path.
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../lib/include-parse.ts';
import { removeField, setField } from '../../lib/field-path.ts';

describe('parseManifests', () => {
  it('turns YAML 1.1 timestamps and !!binary into the text Kubernetes reads, instead of objects cdk8s cannot render', () => {
    const { objects, problems } = parseManifests('s.yaml', '%YAML 1.1\n---\napiVersion: v1\nkind: Secret\nmetadata: { name: s, annotations: { at: 2024-01-01 } }\ndata: { key: !!binary aGVsbG8= }\n');
    expect(problems).toEqual([]);
    expect(objects[0]).toMatchObject({ source: 's.yaml#0', object: { metadata: { annotations: { at: '2024-01-01T00:00:00.000Z' } }, data: { key: 'aGVsbG8=' } } });
  });

  it('bounds aliases, so a small file cannot expand without limit', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
    const { problems } = parseManifests('bomb.yaml', bomb);
    expect(problems).toEqual([{ at: 'bomb.yaml#0', message: expect.stringMatching(/alias/i) }]);
  });
});

describe('setField and removeField', () => {
  const doc = { spec: { containers: [{ name: 'a' }], replicas: 1 } };

  it('sets a field on a copy, creating missing objects, and leaves the document as it was', () => {
    expect(setField(doc, ['spec', 'template', 'metadata', 'labels', 'x'], 'y')).toEqual({ spec: { ...doc.spec, template: { metadata: { labels: { x: 'y' } } } } });
    expect(setField(doc, ['spec', 'containers', 0, 'image'], 'i')).toEqual({ spec: { containers: [{ name: 'a', image: 'i' }], replicas: 1 } });
    expect(doc).toEqual({ spec: { containers: [{ name: 'a' }], replicas: 1 } });
  });

  it('names the step that does not fit', () => {
    expect(setField(doc, ['spec', 'replicas', 'x'], 1)).toBe('spec.replicas is a number, not an object');
    expect(setField(doc, ['spec', 'containers', 3], {})).toBe('spec.containers[3]: no index 3 in a list of 1');
    expect(removeField(doc, ['spec', 'paused'])).toBe('spec.paused is not in the object');
    expect(removeField(doc, ['spec', 'containers', 0])).toEqual({ spec: { containers: [], replicas: 1 } });
  });
});
