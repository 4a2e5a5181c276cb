// The agent's web page in headless Chromium (Debian's chromium, driven by playwright-core): a real
// agent process reconciles the real control plane; the page shows the applied commit, the apps and
// their objects, follows a push and a drift correction by itself, fits a phone's width, and runs
// nothing but its own inline script (a CSP violation would show as a console error).
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp, renderedRemote } from '../agent-source/fixtures.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { AGENT_SECRET, startAgentProcess, type AgentProcess } from './agent-process.ts';
import { configMap, renderedYaml, uniqueName } from './harness.ts';

const ns = useTestNamespace({ prefix: 'webpage' });
const run = promisify(execFile);
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
let agent: AgentProcess | undefined;
let browser: BrowserContext | undefined;
afterAll(async () => { await browser?.close(); agent?.kill(); cleanUp(); });

/** A fresh profile each run; playwright passes it as --user-data-dir. */
function launch(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'chromium-profile-')), {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1280, height: 900 },
  });
}

const text = (page: Page, selector: string) => page.locator(selector).innerText();

describe('the web page', () => {
  it('shows the applied commit, apps and objects, follows a push and a drift, and fits a phone', async () => {
    const env = uniqueName('env');
    const remote = renderedRemote();
    const file = (app: string, name: string) => `${env}/${app}/${ns.name}/configmap-${name}.yaml`;
    const yaml = (app: string, name: string, value: string) => renderedYaml(env, app, configMap(ns.name, name, { value }));
    const first = remote.commit({ [file('web', 'web-settings')]: yaml('web', 'web-settings', '1'), [file('api', 'api-settings')]: yaml('api', 'api-settings', '1') }, 'c'.repeat(40));
    agent = await startAgentProcess(ns, remote.path, env);
    await agent.applied(first);

    browser = await launch();
    const page = browser.pages()[0] ?? await browser.newPage();
    const problems: string[] = [];
    // The first poll's 401 (before the secret is given) is how the page learns to ask for it; anything else is a problem.
    page.on('console', (m) => { if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    const responses: { url: string; bytes: number }[] = [];
    page.on('response', async (r) => { responses.push({ url: r.url(), bytes: (await r.body().catch(() => Buffer.alloc(0))).length }); });

    // Without the secret the page asks for it and shows nothing of the environment.
    await page.goto(`${agent.url}/`);
    await page.locator('#login').waitFor({ state: 'visible' });
    expect(await text(page, '#apps')).toBe('');
    await page.fill('#token', AGENT_SECRET);
    await page.click('#login button');
    await page.waitForFunction((e) => document.getElementById('env')?.textContent === e, env);
    expect(await text(page, '#badges')).toContain('Synced');
    expect(await text(page, '#commit')).toContain(first.slice(0, 12));
    expect(await text(page, '#commit')).toContain('c'.repeat(12));
    expect(await text(page, '#commit')).toContain('render 1');
    expect(await text(page, '#commit')).toContain('Pub Lisher');
    expect(await text(page, '#apps')).toMatch(/api[\s\S]*ConfigMap .*api-settings[\s\S]*web[\s\S]*ConfigMap .*web-settings/);

    // A push: the page follows by itself (no reload).
    const second = remote.commit({ [file('web', 'web-settings')]: yaml('web', 'web-settings', '2'), [file('api', 'api-settings')]: null }, 'd'.repeat(40));
    await agent.check();
    await page.waitForFunction((c) => document.getElementById('commit')?.textContent?.includes(c), second.slice(0, 12), { timeout: 30_000 });
    expect(await text(page, '#commit')).toContain('render 2');
    expect(await text(page, '#reconciles')).toContain('1 configured');
    expect(await text(page, '#apps')).toMatch(/web-settings\s+configured/);
    expect(await text(page, '#apps')).not.toContain('api-settings'); // git left it: pruned
    expect(await text(page, '#reconciles')).toContain('1 pruned');

    // A drift: someone edits a field we set; the agent puts it back and the page lists the correction.
    await run('kubectl', ['--kubeconfig', ns.kubeconfigPath, '-n', ns.name, 'patch', 'configmap', 'web-settings', '-p', '{"data":{"value":"hand-edit"}}']);
    await page.waitForFunction(() => document.getElementById('drift')?.textContent?.includes('corrected'), undefined, { timeout: 30_000 });
    expect(await text(page, '#drift')).toMatch(/web-settings[\s\S]*corrected[\s\S]*configured/);

    // One object: our fields as git sets them against the live ones (the correction made them agree again).
    await page.locator('#apps button', { hasText: 'web-settings' }).click();
    await page.locator('#object pre').waitFor();
    expect(await text(page, '#object')).toMatch(/web-settings[\s\S]*live agrees with git on the fields we set[\s\S]*value: "2"/);

    // Weight and time to first render of a fresh load (the secret is kept for the tab): the document, then its first poll.
    const loading = Date.now();
    await page.reload();
    await page.waitForFunction((e) => document.getElementById('env')?.textContent === e, env, { polling: 'raf' });
    const renderedMs = Date.now() - loading;
    const load = await page.evaluate(() => ({
      document: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).encodedBodySize,
      requests: performance.getEntriesByType('resource').map((r) => ({ url: r.name, bytes: (r as PerformanceResourceTiming).encodedBodySize })),
      firstPaintMs: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
    }));
    expect(load.requests.map((r) => new URL(r.url).pathname)).toEqual(['/api/state']); // no script, style, font or image besides
    console.log(`web page: ${1 + load.requests.length} requests, ${load.document + load.requests[0].bytes} bytes (document ${load.document}, state ${load.requests[0].bytes}); first contentful paint ${load.firstPaintMs?.toFixed(0)} ms, rendered with the state ${renderedMs} ms after navigation`);

    const shots = mkdtempSync(join(tmpdir(), 'webpage-shots-')); // kept, to look at
    await page.screenshot({ path: join(shots, 'desktop.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(shots, 'phone.png'), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    console.log(`web page: screenshots in ${shots}`);
    expect(problems, problems.join("\n")).toEqual([]);
    const external = responses.filter((r) => !r.url.startsWith(agent!.url));
    expect(external).toEqual([]);
  }, 120_000);
});
