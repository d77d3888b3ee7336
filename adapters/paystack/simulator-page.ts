/** The simulator's checkout page: enough to click through a payment during local development. */
export function checkoutPage(tx: { reference: string; amount: number; currency: string; customer?: { email?: string } }): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Paystack simulator checkout</title></head>
<body style="font-family:sans-serif;max-width:28rem;margin:3rem auto">
<h1>Pay ${esc(tx.currency)} ${(tx.amount / 100).toFixed(2)}</h1>
<p>Reference <code>${esc(tx.reference)}</code>${tx.customer?.email ? ` for ${esc(tx.customer.email)}` : ''}</p>
<form method="post"><input type="hidden" name="outcome" value="success"><button>Pay</button></form>
<form method="post"><input type="hidden" name="outcome" value="failed"><button>Decline</button></form>
</body></html>
`;
}
