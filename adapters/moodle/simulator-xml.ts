/**
 * Moodle's XML format, used when moodlewsrestformat is not json
 * (webservice/rest/locallib.php xmlize_result / generate_error).
 */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function render(value: unknown): string {
  if (value === null || value === undefined) return '<VALUE null="null"/>\n';
  if (Array.isArray(value)) return `<MULTIPLE>\n${value.map(render).join('')}</MULTIPLE>\n`;
  if (typeof value === 'object') {
    const keys = Object.entries(value as Record<string, unknown>).map(([k, v]) => `<KEY name="${escape(k)}">${render(v)}</KEY>\n`);
    return `<SINGLE>\n${keys.join('')}</SINGLE>\n`;
  }
  return `<VALUE>${escape(String(typeof value === 'boolean' ? (value ? 1 : 0) : value))}</VALUE>\n`;
}

export function xmlResponse(result: unknown): string {
  return `<?xml version="1.0" encoding="UTF-8" ?>\n<RESPONSE>\n${result === null ? '' : render(result)}</RESPONSE>\n`;
}

export function xmlException(e: { exception: string; errorcode: string; message: string; debuginfo?: string }): string {
  const debug = e.debuginfo ? `<DEBUGINFO>${escape(e.debuginfo)}</DEBUGINFO>\n` : '';
  return `<?xml version="1.0" encoding="UTF-8" ?>\n<EXCEPTION class="${escape(e.exception)}">\n<ERRORCODE>${escape(e.errorcode)}</ERRORCODE>\n<MESSAGE>${escape(e.message)}</MESSAGE>\n${debug}</EXCEPTION>\n`;
}
