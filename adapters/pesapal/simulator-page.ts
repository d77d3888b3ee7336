/** The simulator's payment page: enough to click through an order during local development. */
export function paymentPage(o: { trackingId: string; reference: string; amount: number; currency: string; description: string }): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  const action = `?OrderTrackingId=${encodeURIComponent(o.trackingId)}`;
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Pesapal simulator</title></head>
<body style="font-family:sans-serif;max-width:28rem;margin:3rem auto">
<h1>Pay ${esc(o.currency)} ${o.amount.toFixed(2)}</h1>
<p>${esc(o.description)} (order <code>${esc(o.reference)}</code>)</p>
<form method="post" action="${action}"><input type="hidden" name="outcome" value="COMPLETED"><button>Pay</button></form>
<form method="post" action="${action}"><input type="hidden" name="outcome" value="FAILED"><button>Fail</button></form>
</body></html>
`;
}
