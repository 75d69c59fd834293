import fs from 'node:fs';
const env = JSON.parse(fs.readFileSync('/tmp/bigenv.json', 'utf8'));
const b = fs.readFileSync(env.AWS_CONFIG_FILE);
function loop(b){ let c=0; for (let i=0;i<b.length;i++){const x=b[i]; if (x===10) c++; else if (x>=0x80||x<0x20&&x!==9) c+=1000;} return c; }
function strIdx(b){ const s=b.toString('latin1'); let c=0,p=0; for(;;){const n=s.indexOf('\n',p); if(n<0)break; c+=s.charCodeAt(p); p=n+1;} return c; }
function bufIdx(b){ let c=0,p=0; for(;;){const n=b.indexOf(10,p); if(n<0)break; c+=b[p]; p=n+1;} return c; }
function oddRe(b){ const s=b.toString('latin1'); return /[^\t\n\r\x20-\x7e]/.test(s); }
function latin1(b){ return b.toString('latin1').length; }
function mapIns(n){ const m=new Map(); for(let i=0;i<n;i++) m.set('profile workload-'+i+':AdministratorAccess', i); return m.size; }
for (const f of [loop, strIdx, bufIdx, oddRe, latin1, loop, strIdx, bufIdx, oddRe]) { const t=performance.now(); f(b); console.log(f.name, (performance.now()-t).toFixed(1)); }
for (let r=0;r<2;r++){const t=performance.now(); mapIns(50000); console.log('map50k', (performance.now()-t).toFixed(1));}
