// Ways of writing an address this server must not contact in production, with the reason expected.
// The first group is refused in every mode; the second only in production (unless allowlisted).
export const NEVER: [string, RegExp][] = [
  ['https://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a link-local address, never contacted/],
  ['https://[fe80::1]/', /link-local/],
  ['https://[::ffff:169.254.169.254]/', /link-local/],
  ['https://0.0.0.0/', /unspecified/],
  ['https://0/', /0\.0\.0\.0 is an unspecified address/],
  ['https://[::]/', /unspecified/],
  ['https://224.0.0.1/', /multicast/],
  ['https://[ff02::1]/', /multicast/],
  ['https://255.255.255.255/', /broadcast/],
  ['https://[::7f00:1]/', /IPv4-compatible/],
];

export const LOCAL: [string, RegExp][] = [
  ['https://127.0.0.1/', /127\.0\.0\.1 is a loopback address, contacted in production only when listed in OUTBOUND_ALLOWLIST/],
  ['https://127.1/', /127\.0\.0\.1 is a loopback address/],
  ['https://0x7f000001/', /127\.0\.0\.1 is a loopback address/],
  ['https://2130706433/', /127\.0\.0\.1 is a loopback address/],
  ['https://0177.0.0.1/', /127\.0\.0\.1 is a loopback address/],
  ['https://127.255.0.9:8443/', /loopback/],
  ['https://[::1]/', /::1 is a loopback address/],
  ['https://[::ffff:127.0.0.1]/', /::ffff:7f00:1 is a loopback address/],
  ['https://[0:0:0:0:0:ffff:7f00:1]/', /loopback/],
  ['https://localhost/', /localhost is a loopback address/],
  ['https://localhost./', /localhost\. is a loopback address/],
  ['https://LOCALHOST:8443/', /loopback/],
  ['https://xta.localhost/', /loopback/],
  ['https://10.0.0.5/', /private/],
  ['https://172.16.0.1/', /private/],
  ['https://172.31.255.255/', /private/],
  ['https://192.168.1.1/', /private/],
  ['https://[fc00::1]/', /private/],
  ['https://[fd12:3456::1]/', /private/],
  ['https://[::ffff:10.0.0.5]/', /private/],
  ['https://[::ffff:a00:5]/', /private/],
  ['https://100.64.0.1/', /shared \(carrier-grade NAT\)/],
  ['http://xta.example.org/', /must use https/],
];

/** Next to the forbidden ranges, still fine. */
export const FINE = ['https://xta.krz.example/osci', 'https://172.32.0.1/', 'https://100.128.0.1/', 'https://8.8.8.8/', 'https://[2001:db8::1]/', 'https://169.253.255.255/'];
