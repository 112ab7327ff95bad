// The digit explorer's drawing grid: 8 × 8 pixel buttons coloured by their ink level.
//
// The kernel holds the drawing ("ink": 64 levels, row by row); a click sends {click: k} and
// the kernel answers with the new levels, which recolour the buttons (see ink_grid.py).
export default {
  render({ model, el }) {
    const grid = document.createElement("div");
    grid.setAttribute("role", "group");
    grid.setAttribute("aria-label", "drawing grid, 8 by 8 pixels");
    grid.style.cssText = "display: grid; grid-template-columns: repeat(8, 26px); gap: 1px;";
    const buttons = [];
    for (let k = 0; k < 64; k++) {
      const button = document.createElement("button");
      button.style.cssText = "width: 26px; height: 26px; padding: 0; border: 1px solid #888;";
      button.addEventListener("click", () => model.send({ click: k }));
      buttons.push(button);
      grid.appendChild(button);
    }
    const show = () => {
      const colours = model.get("colours");
      const names = model.get("names");
      model.get("ink").forEach((level, k) => {
        const name = `pixel row ${Math.floor(k / 8) + 1}, column ${(k % 8) + 1}: ${names[level]}`;
        buttons[k].style.background = colours[level];
        buttons[k].title = name;
        buttons[k].setAttribute("aria-label", name);
      });
    };
    show();
    model.on("change:ink", show);
    el.appendChild(grid);
    return () => model.off("change:ink", show);
  },
};
