// Entry of dist/compare.js + dist/compare.css: the compare panel (runs side by side, read from their folders).
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
// Stylesheets in cascade order (dist/compare.css keeps this order).
import '../shared/styles.css';
import '../shared/export/export.css';
import './compare.css';
import { appRoot, forwardErrors } from '../shared/page';
import { hostChannel } from '../shared/vscodeApi';
import { startCompareApp } from './app';

const host = hostChannel<'compare'>();
forwardErrors(host.post);
startCompareApp(appRoot(), host);
