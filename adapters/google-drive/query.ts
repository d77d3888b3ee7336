/** Drive search-query literals: backslash and single quote are escaped with a backslash. */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export const FOLDER_MIME = 'application/vnd.google-apps.folder';

/** The files (not folders, not trashed) directly inside a folder, optionally with one exact name. */
export function filesInFolder(folderId: string, name?: string): string {
  return [`${quote(folderId)} in parents`, 'trashed = false', `mimeType != ${quote(FOLDER_MIME)}`, ...(name === undefined ? [] : [`name = ${quote(name)}`])].join(' and ');
}
