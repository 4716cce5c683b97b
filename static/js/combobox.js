// An accessible combobox (WAI-ARIA 1.2 list autocomplete) over the area search API: arrow keys
// move through the suggestions, Enter picks one, Escape closes. Suggestions are text nodes.
export function combobox(input, listbox, { fetchOptions, onPick, emptyText }) {
  let options = [];
  let active = -1;
  let timer = null;
  let controller = null;

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", listbox.id);
  input.setAttribute("aria-expanded", "false");

  function close() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    active = index;
    [...listbox.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
    if (index >= 0) input.setAttribute("aria-activedescendant", `${listbox.id}-${index}`);
    else input.removeAttribute("aria-activedescendant");
  }

  function show(found) {
    options = found;
    listbox.replaceChildren();
    if (!found.length) {
      const li = document.createElement("li");
      li.className = "combo-empty";
      li.textContent = emptyText;
      listbox.append(li);
    }
    found.forEach((option, i) => {
      const li = document.createElement("li");
      li.id = `${listbox.id}-${i}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.textContent = option.label;
      if (option.detail) {
        const small = document.createElement("small");
        small.textContent = ` ${option.detail}`;
        li.append(small);
      }
      // mousedown, not click: it comes before the input's blur closes the list.
      li.addEventListener("mousedown", (event) => {
        event.preventDefault();
        pick(i);
      });
      listbox.append(li);
    });
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
  }

  function pick(index) {
    const option = options[index];
    if (!option) return;
    input.value = option.label;
    close();
    onPick(option);
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2) return close();
    timer = setTimeout(async () => {
      controller?.abort();
      controller = new AbortController();
      try {
        show(await fetchOptions(text, controller.signal));
      } catch (error) {
        if (error.name !== "AbortError") close();
      }
    }, 200);
  });

  input.addEventListener("keydown", (event) => {
    const open = !listbox.hidden && options.length;
    if (event.key === "ArrowDown" && open) {
      event.preventDefault();
      highlight((active + 1) % options.length);
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      highlight((active - 1 + options.length) % options.length);
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      pick(active);
    } else if (event.key === "Escape" && !listbox.hidden) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", close);
  return { close };
}
