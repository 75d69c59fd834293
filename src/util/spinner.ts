// A small spinner on stderr while a request is in flight, only when stderr is a terminal
// (never in scripts, CI or logs). Returns the function that stops and erases it.
export function spinner(what: string, stream: NodeJS.WriteStream = process.stderr): () => void {
  if (!stream.isTTY) return () => {};
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let i = 0;
  const draw = () => stream.write(`\r${frames[i++ % frames.length]} ${what}…`);
  draw();
  const timer = setInterval(draw, 80);
  timer.unref();
  return () => {
    clearInterval(timer);
    stream.write('\r\x1b[K');
  };
}
