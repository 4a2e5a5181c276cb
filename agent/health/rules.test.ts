// Declarative health rules: compiled (with every problem named), evaluated in order, before the
// built-in checks, and loaded from the rendered branch's rules file as untrusted data.
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../types.ts';
import { assessHealth } from './index.ts';
import { compileHealthRules, loadHealthRules, type HealthRule } from './rules.ts';

const where = (i: number, field?: string) => `rules[${i}]${field ? `.${field}` : ''}`;
const widget = (status?: object): K8sObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'h' }, ...(status ? { status } : {}) });
const rule: HealthRule = {
  group: 'example.com', kind: 'Widget',
  healthy: 'status.phase == "Ready"',
  progressing: 'status.phase in ["Pending", "Provisioning"]',
  degraded: 'status.phase == "Failed" || status.conditions.exists(c, c.type == "Broken" && c.status == "True")',
  suspended: 'has(status.paused) && status.paused',
};

describe('compileHealthRules', () => {
  it('names each rule, field and problem: bad syntax, a type that is not bool, unknown keys, missing healthy', () => {
    const { problems } = compileHealthRules([
      { group: 'example.com', kind: 'A', healthy: 'status.phase = "Ready"' },
      { group: 'example.com', kind: 'B', healthy: 'status.replicas + 1' },
      { group: 'example.com', kind: 'C', healthy: 'true', current: 'true' },
      { group: 'example.com', kind: 'D' },
      { group: 'example.com', kind: 'E', healthy: '1 + "a" == 2' },
    ], where);
    expect(problems).toEqual([
      'rules[0].healthy: invalid CEL: Unexpected character: =',
      'rules[1].healthy: must be true or false, but its type is int',
      'rules[2].current: unknown key; use group, kind, suspended, progressing, degraded, healthy',
      'rules[3].healthy: is required: a CEL expression that is true when the object is healthy',
      'rules[4].healthy: invalid CEL: no such overload: int + string',
    ]);
  });

  it('refuses expressions whose cost could grow beyond linear: nested list macros, regular expressions', () => {
    const { problems } = compileHealthRules([
      { group: 'example.com', kind: 'A', healthy: 'status.conditions.all(a, status.conditions.exists(b, b.type == a.type))' },
      { group: 'example.com', kind: 'B', healthy: 'status.message.matches("(a+)+$")' },
      { group: 'example.com', kind: 'C', healthy: 'status.conditions.exists(c, c.type == "Ready") && status.conditions.all(c, c.status != "Unknown")' },
    ], where);
    expect(problems).toEqual([
      'rules[0].healthy: exists() inside another list macro is not allowed (its cost grows with the square of the list)',
      'rules[1].healthy: matches() is not allowed (a regular expression can take unbounded time); use contains, startsWith or endsWith',
    ]);
  });

  it('refuses a second rule for the same kind, and a list that is not one', () => {
    expect(compileHealthRules([rule, rule], where).problems).toEqual(['rules[1]: a second rule for example.com/Widget; keep one']);
    expect(compileHealthRules({ rules: [] }, where).problems).toEqual(['rules[-1]: must be a list of { group, kind, healthy, ... }']);
  });
});

describe('assessHealth with rules', () => {
  const { rules } = compileHealthRules([rule], where);

  it('takes the first true of suspended, progressing, degraded, healthy', () => {
    expect(assessHealth(widget({ phase: 'Ready' }), { rules })).toEqual({ status: 'Healthy', message: 'Widget w: rule healthy: status.phase == "Ready"' });
    expect(assessHealth(widget({ phase: 'Pending' }), { rules }).status).toBe('Progressing');
    expect(assessHealth(widget({ phase: 'Failed' }), { rules }).status).toBe('Degraded');
    expect(assessHealth(widget({ phase: 'Ready', paused: true }), { rules }).status).toBe('Suspended');
    expect(assessHealth(widget({ phase: 'Odd', conditions: [{ type: 'Broken', status: 'True' }] }), { rules }).status).toBe('Degraded');
  });

  it('is Progressing, saying why, while the fields a rule reads are not there yet', () => {
    expect(assessHealth(widget(), { rules })).toEqual({ status: 'Progressing', message: 'Widget w: no health rule is true yet (status.phase in ["Pending", "Provisioning"]: No such key: phase)' });
  });

  it('comes before the built-in check of a kind', () => {
    const certificate = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c' }, status: { phase: 'Ready' } };
    expect(assessHealth(certificate).status).toBe('Progressing');
    const own = compileHealthRules([{ group: 'cert-manager.io', kind: 'Certificate', healthy: 'status.phase == "Ready"' }], where).rules;
    expect(assessHealth(certificate, { rules: own }).status).toBe('Healthy');
  });
});

describe('loadHealthRules (the rendered branch is untrusted)', () => {
  it('compiles the file the compiler writes', () => {
    const { rules, problems } = loadHealthRules(JSON.stringify({ rules: [rule] }), 'dev.health-rules.json');
    expect(problems).toEqual([]);
    expect([...rules.keys()]).toEqual(['example.com/Widget']);
  });

  it('gives a kind whose rule is broken Unknown with the problem, and a file that is not JSON no rules', () => {
    const { rules, problems } = loadHealthRules(JSON.stringify({ rules: [{ ...rule, healthy: 'status.(' }] }), 'dev.health-rules.json');
    expect(problems).toHaveLength(1);
    expect(assessHealth(widget({ phase: 'Ready' }), { rules })).toEqual({ status: 'Unknown', message: expect.stringMatching(/^Widget w: cannot assess: dev\.health-rules\.json: rules\[0\]\.healthy: invalid CEL: /) });
    expect(loadHealthRules('{', 'dev.health-rules.json').problems).toEqual([expect.stringMatching(/^dev\.health-rules\.json: not JSON: /)]);
  });
});
