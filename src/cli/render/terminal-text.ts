/**
 * Control characters a terminal acts on (C0 but newline and tab, DEL, C1)
 * and the bidirectional overrides that reorder what is read: shown as
 * escapes instead. Provider answers, webhook bodies and headers reach human
 * output; `ESC[2J` in one must not clear the operator's screen, nor an OSC
 * sequence retitle it, set its clipboard or plant a link. JSON output does
 * not come here: its encoder escapes control characters and keeps values exact.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** Select Graphic Rendition, the only sequence our palette (chalk) emits: colour and weight. */
const SGR = /\u001b\[[0-9;]*m/g;

function escape(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}

/**
 * `keepColour` (the palette is on) keeps SGR sequences, whose only effect is
 * colour, so text styled before it got here keeps its colours; everything
 * else that moves, clears or commands the terminal is still escaped.
 */
export function terminalText(text: string, keepColour = false): string {
  if (!keepColour) return escape(text);
  let out = '';
  let last = 0;
  for (const match of text.matchAll(SGR)) {
    out += escape(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + escape(text.slice(last));
}
