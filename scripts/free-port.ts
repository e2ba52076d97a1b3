import net from 'node:net';

/** A TCP port free on 127.0.0.1 at the moment of asking (the drills and benchmarks start servers on them). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
