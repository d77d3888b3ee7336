/** The simulator's hosted checkout page: enough to click through a payment during local development. */
export function checkoutPage(c: { txRef: string; amount: number; currency: string; customer: { email: string } }): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Flutterwave simulator checkout</title></head>
<body style="font-family:sans-serif;max-width:28rem;margin:3rem auto">
<h1>Pay ${esc(c.currency)} ${c.amount.toFixed(2)}</h1>
<p>Reference <code>${esc(c.txRef)}</code> for ${esc(c.customer.email)}</p>
<form method="post"><input type="hidden" name="outcome" value="successful"><button>Pay</button></form>
<form method="post"><input type="hidden" name="outcome" value="failed"><button>Decline</button></form>
</body></html>
`;
}
