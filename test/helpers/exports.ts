// Reads `use --shell bash` output back into a map (set → value, unset → null): only the
// two statement forms the bash dialect writes. Real shells read it in test/e2e/roundtrip.
export function exportsOf(stdout: string): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const line of stdout.split('\n')) {
    const set = /^export (\w+)='(.*)';$/.exec(line);
    if (set) out[set[1]!] = set[2]!.replaceAll(`'\\''`, "'");
    const unset = /^unset (\w+);$/.exec(line);
    if (unset) out[unset[1]!] = null;
  }
  return out;
}
