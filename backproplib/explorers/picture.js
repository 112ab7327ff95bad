// The explorer's picture in the page: a canvas that paints the rectangles the kernel sends.
//
// The kernel sends {rectangles: [[x, y, width, height], ...]} with one PNG per rectangle (see
// Picture in render.py). Pictures are decoded side by side but painted in the order they were
// sent, all rectangles of a message at once. A new view asks for the whole picture, which is
// sent to it alone.
const CONTROLS = "select, button, input, [role=slider]";
const KEEP = "data-lm-suppress-shortcuts";

// A PNG decoded straight from its bytes (ImageDecoder) is ready in about 4 ms; one wrapped in a
// Blob first (createImageBitmap) waits 10-20 ms for the browser to store and read back the Blob.
// Where ImageDecoder is missing (some browsers; pages not served from localhost or https), the
// Blob way still works.
// The pixels as sent: no colour profile to apply (the PNGs carry none) and no premultiplying of
// alpha, which the canvas does when it paints. Each costs a pass over the pixels, several
// milliseconds for a large picture; the painted pixels are the same.
const AS_SENT = { colorSpaceConversion: "none", premultiplyAlpha: "none" };
const decode = (buffer) => {
  if (typeof ImageDecoder !== "function") {
    return createImageBitmap(new Blob([buffer], { type: "image/png" }));
  }
  const decoder = new ImageDecoder({ data: buffer, type: "image/png", ...AS_SENT });
  return decoder.decode().then(({ image }) => image).finally(() => decoder.close());
};

export default {
  render({ model, el }) {
    const canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.style.cssText = "display: block; width: 100%; height: auto;";
    const context = canvas.getContext("2d");
    const view = Math.random().toString(36).slice(2);   // names this view in its requests
    let frame = 0;
    let painted = Promise.resolve();

    const resize = () => {
      const [width, height] = model.get("size");
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
      }
    };
    const label = () => {
      canvas.setAttribute("aria-label", model.get("alt"));
      canvas.title = model.get("alt");
    };
    const paint = (message, buffers) => {
      if (!message.rectangles || (message.view && message.view !== view)) return;
      const pictures = Promise.all(buffers.map(decode));
      painted = painted.then(() => pictures).then((bitmaps) => {
        resize();
        message.rectangles.forEach(([x, y, width, height], i) => {
          context.clearRect(x, y, width, height);
          context.drawImage(bitmaps[i], x, y);
          bitmaps[i].close();
        });
        canvas.dataset.frame = String(++frame);   // how a test sees that the picture changed
      }, (error) => console.error("backprop explorer: a picture could not be shown", error));
    };

    // Keys pressed in the explorer's controls belong to the controls: an arrow key on a menu
    // chooses the next option instead of moving to the next cell, and JupyterLab's one-letter
    // shortcuts (D, D deletes a cell) do nothing there. JupyterLab skips its shortcuts for an
    // element marked data-lm-suppress-shortcuts (KEEP); each control is marked when it appears.
    let tries = 0;
    const keepKeys = () => {
      const explorer = el.closest(".backprop-explorer");
      if (!explorer) {
        if (++tries < 120) requestAnimationFrame(keepKeys);   // not in the page yet
        return;
      }
      const mark = () => explorer.querySelectorAll(`:is(${CONTROLS}):not([${KEEP}])`).forEach(
        (control) => control.setAttribute(KEEP, "true"));
      mark();
      new MutationObserver(mark).observe(explorer, { childList: true, subtree: true });
    };

    resize();
    label();
    keepKeys();
    model.on("change:alt", label);
    model.on("msg:custom", paint);
    el.appendChild(canvas);
    model.send({ want: "whole picture", view });
    return () => {
      model.off("change:alt", label);
      model.off("msg:custom", paint);
    };
  },
};
