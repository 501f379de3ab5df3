// Scan page: camera → QR decoder (the browser's BarcodeDetector, else jsQR from npm) → fills
// the text box and submits the form; the server does every check. Kept out of the page
// because the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";
  const box = document.querySelector("[data-scan-camera]");
  const form = document.querySelector("[data-scan-form]");
  if (!box || !form) return;
  const video = box.querySelector("[data-scan-video]");
  const status = box.querySelector("[data-scan-status]");
  const start = box.querySelector("[data-scan-start]");
  const stop = box.querySelector("[data-scan-stop]");
  const text = form.querySelector("[data-scan-text]");
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  let stream = null;
  let detector = null;

  function say(message) { status.textContent = message; }

  function halt() {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    start.hidden = false;
    stop.hidden = true;
  }

  function found(value) {
    halt();
    text.value = value;
    say("已识别，正在核验…");
    form.submit();
  }

  async function decodeFrame() {
    if (detector) {
      const codes = await detector.detect(video);
      return codes.length ? codes[0].rawValue : null;
    }
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    const code = window.jsQR(image.data, image.width, image.height,
                             { inversionAttempts: "dontInvert" });
    return code ? code.data : null;
  }

  async function tick() {
    if (!stream) return;
    if (video.readyState >= video.HAVE_ENOUGH_DATA) {
      try {
        const value = await decodeFrame();
        if (value) { found(value); return; }
      } catch (error) {
        say("识别出错，请重试或粘贴二维码内容");
      }
    }
    window.requestAnimationFrame(tick);
  }

  async function open() {
    if ("BarcodeDetector" in window) {
      try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); } catch (e) { detector = null; }
    }
    if (!detector && typeof window.jsQR !== "function") {
      say("本浏览器无法识别二维码，请使用手机扫码后把内容粘贴到下方");
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia(
        { video: { facingMode: "environment" }, audio: false });
    } catch (error) {
      say("无法打开摄像头（需要 https 访问并允许使用摄像头），请粘贴二维码内容");
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    start.hidden = true;
    stop.hidden = false;
    say("正在扫描…");
    window.requestAnimationFrame(tick);
  }

  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    box.hidden = false;
    start.addEventListener("click", open);
    stop.addEventListener("click", () => { halt(); say(""); });
  }
})();
