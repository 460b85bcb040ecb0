import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/**
 * The Explorer's page: a strict Content Security Policy, one nonce'd script, one stylesheet, and
 * nothing inline. The body is built by the script.
 */
export function explorerHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  bundle = 'explorer.js',
  stylesheets: readonly string[] = ['explorer.css'],
): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', bundle));
  const links = stylesheets
    .map((name) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', name)))
    .map((uri) => `<link rel="stylesheet" href="${uri.toString()}">`)
    .join('\n');
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${links}
<title>RNN Explorer</title>
</head>
<body>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

export function explorerResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [
    vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
    vscode.Uri.joinPath(extensionUri, 'media'),
  ];
}
