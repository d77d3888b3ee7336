/** Stands in for Razorpay Checkout during local development: pay or fail an order. */
export function checkoutPage(o: { id: string; amount: number; currency: string; receipt: string | null }): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Razorpay simulator checkout</title></head>
<body style="font-family:sans-serif;max-width:28rem;margin:3rem auto">
<h1>Pay ${esc(o.currency)} ${(o.amount / 100).toFixed(2)}</h1>
<p>Order <code>${esc(o.id)}</code>${o.receipt ? `, receipt ${esc(o.receipt)}` : ''}</p>
<form method="post"><input type="hidden" name="outcome" value="captured"><button>Pay</button></form>
<form method="post"><input type="hidden" name="outcome" value="failed"><button>Fail</button></form>
</body></html>
`;
}
