export * from './config';
export * from './events';
export * from './selectivity';
export * from './runStore';
export * from './webview';
export * from './sweep'; // engineer 8: sweep index, events, report data
export * from './sweepStats'; // engineer 8: sweep statistics shared by report and webview
