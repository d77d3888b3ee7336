/**
 * The entities this adapter reads (razorpay.com/docs/api: orders, payments,
 * refunds; Razorpay publishes no OpenAPI). Its entity pages give as null:
 * an order's `receipt`; a payment's `order_id`, `refund_status` and
 * `error_code`/`error_description` (null unless it failed); a refund's
 * `receipt`. Those are typed `| null` and read only when present; fields the
 * adapter does not read are left out.
 */
export interface RazorpayOrder {
  id: string;
  entity: 'order';
  amount: number;
  amount_paid: number;
  amount_due: number;
  currency: string;
  receipt: string | null;
  status: 'created' | 'attempted' | 'paid';
  attempts: number;
  notes: Record<string, string> | unknown[];
  created_at: number;
}

export interface RazorpayPayment {
  id: string;
  entity: 'payment';
  amount: number;
  currency: string;
  status: 'created' | 'authorized' | 'captured' | 'refunded' | 'failed';
  order_id: string | null;
  method: string;
  amount_refunded: number;
  refund_status: 'partial' | 'full' | null;
  captured: boolean;
  email?: string;
  contact?: string;
  error_code: string | null;
  error_description: string | null;
  created_at: number;
}

export interface RazorpayRefund {
  id: string;
  entity: 'refund';
  amount: number;
  currency: string;
  payment_id: string;
  receipt: string | null;
  status: 'pending' | 'processed' | 'failed';
  speed_processed?: string;
  speed_requested?: string;
  created_at: number;
}
