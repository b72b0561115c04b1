// The piece drawn by the browser: model-viewer (three.js) shows the GLB the app wrote for the design's geometry.
// Streamlit's component protocol by hand: "componentReady" up, "render" down with the args, "setFrameHeight" up.
// A new metal or centre stone changes materials here (no geometry is sent); a new geometry loads its GLB by URL,
// once (model-viewer keeps the models it loaded); the camera the person chose is kept per piece and view in the
// tab's sessionStorage. Everything comes from the app's own server: the Draco decoder is pointed at the copy
// installed beside model-viewer, so nothing is fetched from the internet.

const here = new URL(".", location.href);
const Viewer = customElements.get("model-viewer");
Viewer.dracoDecoderLocation = new URL("node_modules/three/examples/jsm/libs/draco/gltf/", here).href;
Viewer.ktx2TranscoderLocation = new URL("node_modules/three/examples/jsm/libs/basis/", here).href;
Viewer.meshoptDecoderLocation = new URL("node_modules/three/examples/jsm/libs/meshopt_decoder.module.js", here).href;
Viewer.modelCacheSize = 24;

const viewer = document.getElementById("piece");
const note = document.getElementById("note");
let args = null;        // the last render's arguments
let shownKey = null;    // the key of the GLB on screen
let cameraKey = null;
let restoring = false;

function post(type, extra) {
  window.parent.postMessage(Object.assign({ isStreamlitMessage: true, apiVersion: 1, type: type }, extra), "*");
}

function stored(key) {
  try { return JSON.parse(sessionStorage.getItem("configurator-camera:" + key) || "null"); } catch (e) { return null; }
}

function store(key, value) {
  try {
    if (value === null) sessionStorage.removeItem("configurator-camera:" + key);
    else sessionStorage.setItem("configurator-camera:" + key, JSON.stringify(value));
  } catch (e) { /* storage off: the camera is not kept */ }
}

function cameraState() {
  const orbit = viewer.getCameraOrbit();
  const target = viewer.getCameraTarget();
  return { orbit: orbit.toString(), target: target.toString(), fov: viewer.getFieldOfView() };
}

function placeCamera() {
  const saved = stored(cameraKey);
  restoring = true;
  if (saved) {
    viewer.cameraOrbit = saved.orbit;
    viewer.cameraTarget = saved.target;
    viewer.fieldOfView = saved.fov + "deg";
  } else {
    viewer.cameraOrbit = args.orbit;
    viewer.cameraTarget = "auto auto auto";
    viewer.fieldOfView = "auto";
  }
  viewer.jumpCameraToGoal();
  document.body.dataset.camera = saved ? "restored" : "initial";
  requestAnimationFrame(() => { restoring = false; });
}

function applyLooks() {
  const model = viewer.model;
  if (!model || !args) return;
  for (const [name, look] of Object.entries(args.looks)) {
    const material = model.getMaterialByName(name);
    if (!material) continue;
    const pbr = material.pbrMetallicRoughness;
    pbr.setBaseColorFactor(look.pbrMetallicRoughness.baseColorFactor);
    pbr.setMetallicFactor(look.pbrMetallicRoughness.metallicFactor);
    pbr.setRoughnessFactor(look.pbrMetallicRoughness.roughnessFactor);
    const ext = look.extensions || {};
    if (ext.KHR_materials_ior) material.setIor(ext.KHR_materials_ior.ior);
    if (ext.KHR_materials_transmission) material.setTransmissionFactor(ext.KHR_materials_transmission.transmissionFactor);
    const volume = ext.KHR_materials_volume;
    if (volume) {  // a coloured gem takes its colour through its depth; a white one none
      material.setThicknessFactor(volume.thicknessFactor);
      material.setAttenuationColor(volume.attenuationColor || [1, 1, 1]);
      material.setAttenuationDistance(volume.attenuationDistance || Infinity);
    }
  }
  document.body.dataset.metal = args.metal;
  document.body.dataset.looks = args.looksKey;
}

function resize() {
  post("streamlit:setFrameHeight", { height: args ? args.height : 400 });
}

function render(next) {
  const previous = args;
  args = next;
  resize();
  const newCamera = next.cameraKey !== cameraKey;
  if (shownKey && newCamera === false && previous && previous.glb !== next.glb) {
    store(cameraKey, cameraState());  // a new geometry: keep the person's camera across it
  }
  cameraKey = next.cameraKey;
  document.body.dataset.wanted = next.glb;
  if (next.glb !== shownKey) {
    const failed = document.body.dataset.state === "failed" && previous && previous.glb === next.glb;
    note.textContent = "";
    document.body.dataset.state = "loading";
    // model-viewer fetches it once, then keeps it among its cached models; after a failure the server has written
    // it again: ask anew
    viewer.src = failed ? next.url + "?again=" + Date.now() : next.url;
    viewer.alt = next.alt;
    return;
  }
  applyLooks();
  if (newCamera) placeCamera();
}

viewer.addEventListener("load", () => {
  if (!args) return;
  shownKey = args.glb;
  applyLooks();
  placeCamera();
  document.body.dataset.key = shownKey;
  document.body.dataset.state = "shown";
  document.body.dataset.readyMs = String(Math.round(performance.now()));
});

viewer.addEventListener("error", (event) => {
  document.body.dataset.state = "failed";
  note.textContent = "The 3D view could not be loaded; the design and price are unaffected.";
  post("streamlit:setComponentValue", { value: { missing: args && args.glb, at: Date.now() }, dataType: "json" });
});

viewer.addEventListener("camera-change", (event) => {
  if (restoring || !cameraKey || event.detail.source !== "user-interaction") return;
  clearTimeout(viewer._saveTimer);
  viewer._saveTimer = setTimeout(() => store(cameraKey, cameraState()), 120);
});

document.getElementById("reset").addEventListener("click", () => {
  store(cameraKey, null);
  placeCamera();
});

// ---------------------------------------------------------------- the 360-degree spin: a video and 12 stills

const SPIN_FRAMES = 36;
const SPIN_FPS = 12;
const STILLS_EVERY = 3;

function frame() { return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))); }

let crcTable = null;
function crc32(bytes) {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function zip(files) {  // [{name, bytes}] as a ZIP of stored (uncompressed) entries: PNGs are compressed already
  const parts = [], central = [];
  let offset = 0;
  const encoder = new TextEncoder();
  for (const file of files) {
    const name = encoder.encode(file.name), crc = crc32(file.bytes), size = file.bytes.length;
    const local = new DataView(new ArrayBuffer(30));
    [[0, 0x04034b50, 4], [4, 20, 2], [8, 0, 2], [14, crc, 4], [18, size, 4], [22, size, 4], [26, name.length, 2]]
      .forEach(([at, value, width]) => width === 4 ? local.setUint32(at, value, true) : local.setUint16(at, value, true));
    parts.push(new Uint8Array(local.buffer), name, file.bytes);
    const entry = new DataView(new ArrayBuffer(46));
    [[0, 0x02014b50, 4], [4, 20, 2], [6, 20, 2], [16, crc, 4], [20, size, 4], [24, size, 4], [28, name.length, 2],
     [42, offset, 4]].forEach(([at, value, width]) => width === 4 ? entry.setUint32(at, value, true)
                                                                  : entry.setUint16(at, value, true));
    central.push(new Uint8Array(entry.buffer), name);
    offset += 30 + name.length + size;
  }
  const size = central.reduce((sum, part) => sum + part.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  [[0, 0x06054b50, 4], [8, files.length, 2], [10, files.length, 2], [12, size, 4], [16, offset, 4]]
    .forEach(([at, value, width]) => width === 4 ? end.setUint32(at, value, true) : end.setUint16(at, value, true));
  return new Blob([...parts, ...central, new Uint8Array(end.buffer)], { type: "application/zip" });
}

function download(blob, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.appendChild(link);
  link.click();
  setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 10000);
}

async function spin() {
  if (!viewer.loaded || !args) return;
  const button = document.getElementById("spin");
  button.disabled = true;
  const before = cameraState();
  const start = viewer.getCameraOrbit();
  const canvas = document.createElement("canvas");
  const stills = [], images = [];
  try {
    for (let i = 0; i < SPIN_FRAMES; i++) {
      note.textContent = "Making the spin: " + Math.round((100 * i) / SPIN_FRAMES) + " %";
      viewer.cameraOrbit = `${start.theta + (2 * Math.PI * i) / SPIN_FRAMES}rad ${start.phi}rad ${start.radius}m`;
      viewer.jumpCameraToGoal();
      await frame();
      const blob = await viewer.toBlob({ mimeType: "image/png" });
      images.push(await createImageBitmap(blob));
      if (i % STILLS_EVERY === 0) {
        stills.push({ name: `${args.name}-${String(stills.length + 1).padStart(2, "0")}.png`,
                      bytes: new Uint8Array(await blob.arrayBuffer()) });
      }
    }
    canvas.width = images[0].width;
    canvas.height = images[0].height;
    const context = canvas.getContext("2d");
    context.drawImage(images[0], 0, 0);
    let video = null;
    if (window.MediaRecorder && canvas.captureStream) {
      const stream = canvas.captureStream(SPIN_FPS);
      const recorder = new MediaRecorder(stream, { mimeType: "video/webm" });
      const chunks = [];
      recorder.ondataavailable = (event) => { if (event.data.size) chunks.push(event.data); };
      const done = new Promise((resolve) => { recorder.onstop = resolve; });
      recorder.start();
      for (const image of images) {
        context.drawImage(image, 0, 0);
        await new Promise((resolve) => setTimeout(resolve, 1000 / SPIN_FPS));
      }
      recorder.stop();
      await done;
      video = new Blob(chunks, { type: "video/webm" });
    }
    if (video) download(video, `${args.name}-spin.webm`);
    download(zip(stills), `${args.name}-stills.zip`);
    document.body.dataset.spin = JSON.stringify({ frames: images.length, stills: stills.length,
                                                  video: video ? video.size : 0 });
    note.textContent = "";
  } finally {
    viewer.cameraOrbit = before.orbit;
    viewer.jumpCameraToGoal();
    button.disabled = false;
  }
}

document.getElementById("spin").addEventListener("click", () => { spin(); });

// ---------------------------------------------------------------- what tests and the benchmark read

window.configuratorViewer = () => {
  const model = viewer.model;
  const materials = {};
  if (model) {
    for (const material of model.materials) {
      const seen = { baseColor: material.pbrMetallicRoughness.baseColorFactor,
                     metallic: material.pbrMetallicRoughness.metallicFactor,
                     roughness: material.pbrMetallicRoughness.roughnessFactor };
      try {
        Object.assign(seen, { ior: material.ior, transmission: material.transmissionFactor,
                              attenuationColor: material.attenuationColor,
                              attenuationDistance: material.attenuationDistance });
      } catch (e) { /* a material without the extensions */ }
      materials[material.name] = seen;
    }
  }
  return { key: shownKey, wanted: args && args.glb, src: viewer.src, loaded: viewer.loaded,
           state: document.body.dataset.state, camera: viewer.loaded ? cameraState() : null,
           dimensions: viewer.loaded ? viewer.getDimensions().toString() : null,
           arModes: viewer.getAttribute("ar-modes"), materials: materials };
};

window.addEventListener("message", (event) => {
  if (event.data && event.data.type === "streamlit:render") render(event.data.args);
});
post("streamlit:componentReady");
