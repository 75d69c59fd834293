import { build } from 'esbuild';
import fs from 'node:fs';
if (process.argv[2] === 'build') {
  await build({ entryPoints: ['/work/wt/scale/src/files/scan.ts'], outfile: '/tmp/scan-b.mjs', bundle: true, platform: 'node', format: 'esm', logLevel: 'warning' });
} else {
  const { scanIni } = await import('/tmp/scan-b.mjs');
  const env = JSON.parse(fs.readFileSync('/tmp/bigenv.json', 'utf8'));
  const m0 = process.memoryUsage(); const t = performance.now(); const cu = process.cpuUsage();
  const fd = fs.openSync(env.AWS_CONFIG_FILE, 'r');
  const idx = scanIni(fd);
  const u = process.cpuUsage(cu); console.log('cold scan', (performance.now() - t).toFixed(1), 'cpu', ((u.user+u.system)/1000).toFixed(1), idx?.count); const m1 = process.memoryUsage(); for (const k of ['rss','heapTotal','heapUsed','external','arrayBuffers']) console.log(k, (m0[k]/1048576).toFixed(1), (m1[k]/1048576).toFixed(1));
}
