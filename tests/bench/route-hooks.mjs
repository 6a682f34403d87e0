// Module hooks for calling route loaders in-process from the benchmark (as Remix's server build
// does): stylesheets are URLs there, and `*.client.*` modules (Leaflet needs `window`) are empty.
export async function load(url, context, nextLoad) {
  if (/\.css(\?.*)?$/.test(url))
    return { format: 'module', source: 'export default "";', shortCircuit: true };
  if (/\.client\.tsx?(\?.*)?$/.test(url))
    return { format: 'module', source: 'export default undefined;', shortCircuit: true };
  return nextLoad(url, context);
}
