import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  ALL_CONFIG_SECTIONS,
  CreditMonitorConfig,
  GatewayConfig,
  settingsOf,
  WebhookReceiverConfig,
  WorkerConfig,
} from '@sluice/config';
import { ACTIVE_PROVIDERS, providerQueueName, QUEUE_NAMES } from '@sluice/queue';
// `yaml` (v1) is already installed with the dev tools; it parses multi-document files.
import YAML from 'yaml';

const ROOT = join(__dirname, '..', '..');
const BASE = join(ROOT, 'deploy', 'base');

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}
interface Probe {
  httpGet?: { path: string; port: number | string };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface PodSpec {
  containers: Container[];
}

const yamlFiles = readdirSync(BASE).filter((file) => /\.ya?ml$/.test(file));
const kustomization = YAML.parse(readFileSync(join(BASE, 'kustomization.yaml'), 'utf8')) as {
  resources: string[];
  images: { name: string }[];
};
const manifests: Manifest[] = kustomization.resources.flatMap((file) =>
  YAML.parseAllDocuments(readFileSync(join(BASE, file), 'utf8')).map((doc) => {
    expect(doc.errors).toEqual([]);
    return doc.toJSON() as Manifest;
  }),
);
const byKind = (kind: string): Manifest[] => manifests.filter((m) => m.kind === kind);
const configMap = byKind('ConfigMap').find((m) => m.metadata.name === 'sluice-config');
const SETTINGS = new Set(ALL_CONFIG_SECTIONS.flatMap((section) => settingsOf(section).map((s) => s.env)));

/** The port an app listens on with the ConfigMap's settings: the ConfigMap's value, else the setting's default. */
function portOf(section: new () => object, property: string): number {
  const meta = settingsOf(section).find((s) => s.property === property);
  if (!meta) {
    throw new Error(`${section.name} has no setting ${property}`);
  }
  const configured = configMap?.data?.[meta.env];
  return configured !== undefined
    ? Number(configured)
    : ((new section() as Record<string, unknown>)[property] as number);
}

const APPS = [
  { name: 'gateway', port: () => portOf(GatewayConfig, 'port'), service: true },
  { name: 'enrichment-worker', port: () => portOf(WorkerConfig, 'healthPort'), service: true },
  { name: 'credit-monitor', port: () => portOf(CreditMonitorConfig, 'port'), service: true },
  { name: 'webhook-receiver', port: () => portOf(WebhookReceiverConfig, 'port'), service: true },
];

function podOf(manifest: Manifest): PodSpec {
  return (manifest.spec as { template: { spec: PodSpec } }).template.spec;
}

describe('Kubernetes manifests (deploy/base)', () => {
  it('the kustomization lists every manifest file, and every file it lists exists', () => {
    expect([...kustomization.resources].sort()).toEqual(
      yamlFiles.filter((file) => file !== 'kustomization.yaml').sort(),
    );
    expect(kustomization.images.map((image) => image.name)).toEqual(['sluice']);
    expect(configMap).toBeDefined();
  });

  it.each(APPS)('$name: a Deployment running its app, probed on /health at its real port', (app) => {
    const deployment = byKind('Deployment').find((m) => m.metadata.name === app.name);
    expect(deployment).toBeDefined();
    const pod = podOf(deployment as Manifest);
    expect(pod.containers).toHaveLength(1);
    const [container] = pod.containers;
    expect(container.image).toBe('sluice');
    const main = container.command?.find((arg) => arg.startsWith('dist/'));
    expect(main).toBe(`dist/apps/${app.name}/src/main.js`);
    expect(existsSync(join(ROOT, 'apps', app.name, 'src', 'main.ts'))).toBe(true);
    const port = app.port();
    expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      expect(probe?.httpGet).toEqual({ path: '/health', port });
    }
    expect(container.resources?.requests?.cpu).toMatch(/^\d+m?$/);
    expect(container.resources?.requests?.memory).toMatch(/^\d+Mi$/);
    expect(container.resources?.limits?.memory).toMatch(/^\d+Mi$/);
    expect(container.envFrom).toEqual([
      { configMapRef: { name: 'sluice-config' } },
      { secretRef: { name: 'sluice-secrets' } },
    ]);

    const selector = (deployment?.spec as { selector: { matchLabels: Record<string, string> } }).selector;
    const pdb = byKind('PodDisruptionBudget').find((m) => m.metadata.name === app.name);
    expect((pdb?.spec as { selector: unknown } | undefined)?.selector).toEqual(selector);
    if (app.service) {
      const service = byKind('Service').find((m) => m.metadata.name === app.name);
      expect(service?.spec).toEqual({
        selector: selector.matchLabels,
        ports: [{ name: 'http', port, targetPort: 'http' }],
      });
    }
  });

  it('runs the migrations in a Job with the compiled migration runner', () => {
    const [job] = byKind('Job');
    expect(job?.metadata.name).toBe('sluice-migrate');
    const [container] = podOf(job).containers;
    expect(container.command).toEqual(['node', 'dist/libs/db/src/migrate.js', 'run']);
    expect(existsSync(join(ROOT, 'libs', 'db', 'src', 'migrate.ts'))).toBe(true);
  });

  it('names only settings that exist: the ConfigMap, container env and the Secret example', () => {
    const names = [
      ...Object.keys(configMap?.data ?? {}),
      ...manifests
        .filter((m) => m.kind === 'Deployment' || m.kind === 'Job')
        .flatMap((m) => podOf(m).containers.flatMap((c) => (c.env ?? []).map((e) => e.name))),
      ...readFileSync(join(ROOT, 'deploy', 'secrets.example.env'), 'utf8')
        .split('\n')
        .filter((line) => /^[A-Z]/.test(line))
        .map((line) => line.slice(0, line.indexOf('='))),
    ];
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((name) => !SETTINGS.has(name))).toEqual([]);
    // Secrets stay out of the ConfigMap.
    const sensitive = ALL_CONFIG_SECTIONS.flatMap((s) => settingsOf(s))
      .filter((s) => s.sensitive)
      .map((s) => s.env);
    expect(Object.keys(configMap?.data ?? {}).filter((name) => sensitive.includes(name))).toEqual([]);
  });

  it('lists every secret setting in the Secret example, so a deployment from it leaves none out', () => {
    const listed = readFileSync(join(ROOT, 'deploy', 'secrets.example.env'), 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z]/.test(line))
      .map((line) => line.slice(0, line.indexOf('=')));
    const sensitive = ALL_CONFIG_SECTIONS.flatMap((s) => settingsOf(s))
      .filter((s) => s.sensitive)
      .map((s) => s.env);
    expect(sensitive.filter((name) => !listed.includes(name))).toEqual([]);
  });

  it('scales the worker with KEDA on a queue-depth metric the code exports, over the real queue names', () => {
    const [scaled] = byKind('ScaledObject');
    const spec = scaled?.spec as {
      scaleTargetRef: { name: string };
      minReplicaCount: number;
      maxReplicaCount: number;
      triggers: { type: string; metadata: { query: string; threshold: string; serverAddress: string } }[];
    };
    expect(spec.scaleTargetRef.name).toBe('enrichment-worker');
    expect(spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    expect(spec.maxReplicaCount).toBeGreaterThan(spec.minReplicaCount);
    expect(spec.triggers).toHaveLength(1);
    const [trigger] = spec.triggers;
    expect(trigger.type).toBe('prometheus');
    expect(Number(trigger.metadata.threshold)).toBeGreaterThan(0);

    const metrics = trigger.metadata.query.match(/\bsluice_[a-z_]+\b/g) ?? [];
    expect(metrics.length).toBeGreaterThan(0);
    const source = readFileSync(join(ROOT, 'apps', 'gateway', 'src', 'ops', 'queue-metrics.ts'), 'utf8');
    for (const metric of metrics) {
      expect(source).toContain(`name: '${metric}'`);
    }
    // The label matchers select real queues and states.
    // A PromQL double-quoted string escapes backslashes (`\\.` is the regex `\.`); Prometheus anchors regexes.
    const queuePattern = (/queue=~"([^"]+)"/.exec(trigger.metadata.query)?.[1] ?? '').replace(/\\\\/g, '\\');
    const queues = new RegExp(`^(?:${queuePattern})$`);
    const states = /state=~"([^"]+)"/.exec(trigger.metadata.query)?.[1]?.split('|') ?? [];
    expect(queues.test(QUEUE_NAMES.enrichment)).toBe(true);
    for (const provider of ACTIVE_PROVIDERS) {
      expect(queues.test(providerQueueName(provider))).toBe(true);
    }
    expect(queues.test(QUEUE_NAMES.creditMonitor)).toBe(false);
    expect(states.length).toBeGreaterThan(0);
    for (const state of states) {
      expect(source).toContain(`'${state}'`);
    }
  });
});
