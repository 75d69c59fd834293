import fs from 'node:fs';
const env = JSON.parse(fs.readFileSync('/tmp/bigenv.json', 'utf8'));
const fd = fs.openSync(env.AWS_CONFIG_FILE, 'r');
const mode = process.argv[2];
const cu = process.cpuUsage(); const t = performance.now();
const buf = Buffer.allocUnsafe(1 << 20); let c = 0, n;
while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) {
  if (mode === 'str') {
    const s = buf.toString('latin1', 0, n);
    let ls = 0;
    while (ls < n) { let nl = s.indexOf('\n', ls); if (nl < 0) nl = n; c += s.charCodeAt(ls) | 0; ls = nl + 1; }
  } else if (mode === 'loop') {
    let ls = 0;
    for (let i = 0; i < n; i++) { if (buf[i] === 10) { c += buf[ls]; ls = i + 1; } }
  } else if (mode === 'strloop') {
    const s = buf.toString('latin1', 0, n);
    let ls = 0;
    for (let i = 0; i < n; i++) { if (s.charCodeAt(i) === 10) { c += s.charCodeAt(ls); ls = i + 1; } }
  } else {
    let ls = 0;
    while (ls < n) { let nl = buf.indexOf(10, ls); if (nl < 0) nl = n; c += buf[ls]; ls = nl + 1; }
  }
}
const u = process.cpuUsage(cu); console.log(mode, (performance.now() - t).toFixed(1), 'cpu', ((u.user + u.system) / 1000).toFixed(1), c);
