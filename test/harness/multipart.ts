/** A minimal multipart/form-data reader: enough for what discord.js sends (payload_json + files[n]). */

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** The boundary of a `multipart/form-data; boundary=…` content type, or undefined for other types. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType?.toLowerCase().startsWith('multipart/form-data')) return undefined;
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2]?.trim();
}

function headerParam(header: string, param: string): string | undefined {
  const quoted = new RegExp(`(?:^|;)\\s*${param}="([^"]*)"`, 'i').exec(header);
  const match = quoted ?? new RegExp(`(?:^|;)\\s*${param}=([^;]+)`, 'i').exec(header);
  return match?.[1];
}

export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    const start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    let part = body.subarray(start, next);
    if (part.subarray(0, 2).toString() === '\r\n') part = part.subarray(2);
    if (part.subarray(-2).toString() === '\r\n') part = part.subarray(0, -2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headerLines = part.subarray(0, headerEnd).toString('utf8').split('\r\n');
      const data = part.subarray(headerEnd + 4);
      let name = '';
      let filename: string | undefined;
      let contentType: string | undefined;
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon === -1) continue;
        const key = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        if (key === 'content-disposition') {
          name = headerParam(value, 'name') ?? '';
          filename = headerParam(value, 'filename');
        } else if (key === 'content-type') {
          contentType = value;
        }
      }
      const entry: MultipartPart = { name, data: Buffer.from(data) };
      if (filename !== undefined) entry.filename = filename;
      if (contentType !== undefined) entry.contentType = contentType;
      parts.push(entry);
    }
    pos = next;
  }
  return parts;
}
