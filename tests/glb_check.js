// A GLB judged by outside tools: the Khronos glTF validator's report, and each node's mesh decoded by Google's
// Draco decoder (draco3d) through the attribute ids the file names, as a viewer decodes it.
// node tests/glb_check.js FILE.glb  ->  JSON on stdout: {validator: {errors, warnings, infos, messages}, nodes: {...}}
const fs = require("fs");
const path = require("path");
const modules = path.join(__dirname, "..", "webapp", "viewer", "node_modules");
const validator = require(path.join(modules, "gltf-validator"));
const draco3d = require(path.join(modules, "draco3d"));

async function main(file) {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const report = await validator.validateBytes(bytes, { maxIssues: 200 });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(12, true);
  const doc = JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + jsonLength)));
  const binStart = 20 + jsonLength + 8;
  const draco = await draco3d.createDecoderModule({});
  const nodes = {};
  for (const node of doc.nodes) {
    const primitive = doc.meshes[node.mesh].primitives[0];
    const ext = primitive.extensions.KHR_draco_mesh_compression;
    const bufferView = doc.bufferViews[ext.bufferView];
    const data = bytes.subarray(binStart + bufferView.byteOffset, binStart + bufferView.byteOffset + bufferView.byteLength);
    const decoder = new draco.Decoder();
    const mesh = new draco.Mesh();
    const status = decoder.DecodeArrayToMesh(data, data.length, mesh);
    if (!status.ok()) throw new Error(`${node.name}: ${status.error_msg()}`);
    const read = (name) => {
      const attribute = decoder.GetAttributeByUniqueId(mesh, ext.attributes[name]);
      const values = new draco.DracoFloat32Array();
      decoder.GetAttributeFloatForAllPoints(mesh, attribute, values);
      const out = new Float64Array(values.size());
      for (let i = 0; i < out.length; i++) out[i] = values.GetValue(i);
      draco.destroy(values);
      return { type: attribute.attribute_type(), values: out };
    };
    const position = read("POSITION");
    const normal = read("NORMAL");
    const low = [Infinity, Infinity, Infinity], high = [-Infinity, -Infinity, -Infinity];
    for (let i = 0; i < position.values.length; i += 3) {
      for (let k = 0; k < 3; k++) {
        low[k] = Math.min(low[k], position.values[i + k]);
        high[k] = Math.max(high[k], position.values[i + k]);
      }
    }
    let shortest = Infinity, longest = 0;
    for (let i = 0; i < normal.values.length; i += 3) {
      const length = Math.hypot(normal.values[i], normal.values[i + 1], normal.values[i + 2]);
      shortest = Math.min(shortest, length);
      longest = Math.max(longest, length);
    }
    nodes[node.name] = {
      points: mesh.num_points(), faces: mesh.num_faces(), positionType: position.type, normalType: normal.type,
      positionIsPosition: position.type === draco.POSITION, normalIsNormal: normal.type === draco.NORMAL,
      accessorCount: doc.accessors[primitive.attributes.POSITION].count, low: low, high: high,
      normalLength: [shortest, longest], material: doc.materials[primitive.material].name,
    };
    draco.destroy(mesh);
    draco.destroy(decoder);
  }
  const issues = report.issues;
  console.log(JSON.stringify({
    validator: { errors: issues.numErrors, warnings: issues.numWarnings, infos: issues.numInfos,
                 messages: issues.messages.map((m) => `${m.severity} ${m.code} ${m.pointer || ""}`) },
    nodes: nodes,
  }));
}

main(process.argv[2]).catch((error) => { console.error(String(error)); process.exit(2); });
