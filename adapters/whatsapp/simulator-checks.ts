/** Graph's error bodies for what the simulator refuses (providers.md §6). */
export interface GraphErrorReply {
  status: number;
  body: { error: { message: string; type: string; code: number; error_subcode?: number; error_data?: { messaging_product: 'whatsapp'; details: string }; fbtrace_id: string } };
}

export function graphFailure(status: number, code: number, message: string, extra: { subcode?: number; details?: string; type?: string } = {}): GraphErrorReply {
  return {
    status,
    body: {
      error: {
        message,
        type: extra.type ?? 'OAuthException',
        code,
        ...(extra.subcode !== undefined ? { error_subcode: extra.subcode } : {}),
        ...(extra.details ? { error_data: { messaging_product: 'whatsapp' as const, details: extra.details } } : {}),
        fbtrace_id: `A${Math.random().toString(36).slice(2, 12)}${Math.random().toString(36).slice(2, 12)}`,
      },
    },
  };
}

/** Templates the simulated business has approved, by name: their languages. */
export type Templates = Record<string, string[]>;

/** Graph's complaint about a send body, or undefined when it is acceptable. */
export function sendProblem(body: Record<string, unknown> | undefined, templates: Templates): GraphErrorReply | undefined {
  if (!body) return graphFailure(400, 100, '(#100) The parameter messaging_product is required.');
  if (body.messaging_product !== 'whatsapp') return graphFailure(400, 100, '(#100) The parameter messaging_product is required.');
  if (typeof body.to !== 'string' || !body.to) return graphFailure(400, 100, '(#100) The parameter to is required.');
  const type = body.type ?? 'text';
  if (type === 'text') {
    const text = body.text as { body?: unknown } | undefined;
    if (typeof text?.body !== 'string' || !text.body) return graphFailure(400, 100, "(#100) The parameter text['body'] is required.");
    if ([...text.body].length > 4096) return graphFailure(400, 100, "(#100) Param text['body'] must be at most 4096 characters long.");
    return undefined;
  }
  if (type === 'template') {
    const template = body.template as { name?: unknown; language?: { code?: unknown } } | undefined;
    if (typeof template?.name !== 'string') return graphFailure(400, 100, "(#100) The parameter template['name'] is required.");
    const code = template.language?.code;
    if (typeof code !== 'string') return graphFailure(400, 100, "(#100) The parameter template['language'] is required.");
    if (!templates[template.name]?.includes(code)) {
      return graphFailure(404, 132001, '(#132001) Template name does not exist in the translation', { details: `template name (${template.name}) does not exist in ${code}` });
    }
    return undefined;
  }
  return graphFailure(400, 131051, '(#131051) Unsupported message type', { details: `Message type ${String(type)} is not supported by this simulator` });
}
