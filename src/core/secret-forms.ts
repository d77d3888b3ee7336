/**
 * The shapes a secret takes on the wire: a provider echoing a request (an
 * `Authorization: Basic …` header, a form body, a signed string) shows the
 * secret encoded, not as typed. Each form here is a string that, found in
 * text, reveals the secret.
 */

/** Shorter secrets cannot be scrubbed without mangling ordinary text; config validation refuses them. */
export const MIN_SECRET_LENGTH = 4;

/** Base64 fragments shorter than this match ordinary words too often to be masked on their own. */
const MIN_FRAGMENT = 6;

export function secretForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms = new Set<string>([value]);
  const std = bytes.toString('base64');
  forms.add(std);
  forms.add(std.replace(/=+$/, ''));
  forms.add(bytes.toString('base64url'));
  for (const fragment of base64Fragments(bytes)) {
    forms.add(fragment);
    forms.add(fragment.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  forms.add(encodeURIComponent(value));
  forms.add(new URLSearchParams({ v: value }).toString().slice(2));
  forms.add(bytes.toString('hex'));
  forms.add(bytes.toString('hex').toUpperCase());
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

/**
 * The secret inside a longer base64 text (`user:secret`, `shortcode+passkey+time`)
 * at each of the three byte alignments: the characters whose six bits all come
 * from the secret, which are the same whatever surrounds it. So a pair the
 * adapter builds is masked without knowing what it was paired with.
 */
function base64Fragments(bytes: Buffer): string[] {
  const out: string[] = [];
  for (const shift of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    // The first character holding only the secret's bits, to the last one (a partial last group mixes in what follows).
    const fragment = encoded.slice(Math.ceil((shift * 8) / 6), Math.floor(((shift + bytes.length) * 8) / 6));
    if (fragment.length >= MIN_FRAGMENT) out.push(fragment);
  }
  return out;
}

