// Dates as Vietnamese write them, whatever the browser's language: each date box is a text box
// for dd/mm/yyyy (mm/yyyy for a month), which the server reads; a calendar button beside it
// opens the browser's own picker and writes the chosen day back in that form. Without
// JavaScript the text box alone works.
(function () {
  "use strict";

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  // "7/3/2024", "07-03-2024", "07032024" → "07/03/2024"; anything else unchanged.
  function tidy(text, month) {
    var t = text.trim();
    var digits = t.replace(/\D/g, "");
    var parts = t.split(/[\/.\-\s]+/).filter(Boolean);
    if (month) {
      if (parts.length === 2 && parts[1].length === 4) return pad(parts[0]) + "/" + parts[1];
      if (/^\d{6}$/.test(t)) return digits.slice(0, 2) + "/" + digits.slice(2);
      return text;
    }
    if (parts.length === 3 && parts[2].length === 4) return pad(parts[0]) + "/" + pad(parts[1]) + "/" + parts[2];
    if (/^\d{8}$/.test(t)) return digits.slice(0, 2) + "/" + digits.slice(2, 4) + "/" + digits.slice(4);
    return text;
  }

  // dd/mm/yyyy → yyyy-mm-dd for the picker; "" when the box holds no whole day yet.
  function toIso(text, month) {
    var parts = tidy(text, month).split("/");
    if (month) return parts.length === 2 ? parts[1] + "-" + parts[0] : "";
    return parts.length === 3 ? parts[2] + "-" + parts[1] + "-" + parts[0] : "";
  }

  function enhance(input) {
    if (input.dataset.enhanced) return;
    input.dataset.enhanced = "1";
    input.classList.add("has-picker");
    var month = input.dataset.date === "month";
    var picker = document.createElement("input");
    picker.type = "date";
    picker.className = "date-native";
    picker.tabIndex = -1;
    picker.setAttribute("aria-hidden", "true");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "date-pick";
    button.setAttribute("aria-label", month ? "Chọn tháng trên lịch" : "Chọn ngày trên lịch");
    button.title = button.getAttribute("aria-label");
    // A calendar drawn in SVG: emoji fonts are not on every office PC.
    button.innerHTML =
      '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">' +
      '<rect x="3" y="5" width="18" height="16" rx="2" fill="none" stroke="currentColor" stroke-width="2"/>' +
      '<path d="M3 10h18M8 3v4M16 3v4" stroke="currentColor" stroke-width="2" fill="none"/>' +
      '<rect x="7" y="13" width="3" height="3" fill="currentColor"/></svg>';
    button.addEventListener("click", function () {
      var iso = toIso(input.value, month);
      picker.value = month && iso ? iso + "-01" : iso;
      try {
        picker.showPicker();
      } catch (e) {
        picker.focus();
        picker.click();
      }
    });
    picker.addEventListener("change", function () {
      var p = picker.value.split("-");
      if (p.length !== 3) return;
      input.value = month ? p[1] + "/" + p[0] : p[2] + "/" + p[1] + "/" + p[0];
      input.dispatchEvent(new Event("change", { bubbles: true }));
      input.focus();
    });
    input.addEventListener("blur", function () {
      input.value = tidy(input.value, month);
    });
    // The box and its button side by side, whatever the field's layout.
    var row = document.createElement("span");
    row.className = "date-row";
    input.insertAdjacentElement("beforebegin", row);
    row.appendChild(input);
    row.appendChild(button);
    row.appendChild(picker);
  }

  function enhanceAll(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("input[data-date]").forEach(enhance);
  }

  // On a phone the menu folds behind one button; without JavaScript it stays open.
  function enhanceMenu() {
    var nav = document.querySelector(".main-nav");
    var toggle = nav && nav.querySelector(".menu-toggle");
    if (!toggle) return;
    document.documentElement.classList.add("js");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    // A group opened from the keyboard or a touch closes with Escape.
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && document.activeElement) document.activeElement.blur();
    });
  }

  // On a phone a long filter form shows its search box and folds the other filters behind
  // one button, so the results are on the first screen.
  function foldFilters() {
    if (!window.matchMedia("(max-width: 640px)").matches) return;
    document.querySelectorAll("form.filters[data-fold]").forEach(function (form) {
      // A filter already chosen stays in sight.
      var chosen = Array.prototype.some.call(
        form.querySelectorAll(".field:not(.grow) select, .field:not(.grow) input"),
        function (s) { return s.value !== "" && s.name !== "sort"; });
      if (chosen) return;
      form.classList.add("folded");
      var toggle = document.createElement("button");
      toggle.type = "button";
      toggle.className = "button fold-toggle";
      toggle.textContent = form.getAttribute("data-fold") || "Lọc thêm";
      toggle.setAttribute("aria-expanded", "false");
      toggle.addEventListener("click", function () {
        var folded = form.classList.toggle("folded");
        toggle.setAttribute("aria-expanded", folded ? "false" : "true");
      });
      var search = form.querySelector(".field.grow");
      (search || form.firstElementChild).insertAdjacentElement("afterend", toggle);
    });
  }

  // A section about other personnel categories (the contract of a người lao động) is folded
  // away, and its inputs not sent, once the category is chosen; without JavaScript it shows.
  function sectionsByCategory() {
    document.querySelectorAll("fieldset[data-applies-to]").forEach(function (section) {
      var form = section.form || section.closest("form");
      var name = section.getAttribute("data-category-input");
      var category = form && form.querySelector("[name='" + name + "']");
      if (!category) return;
      var codes = section.getAttribute("data-applies-to").split(" ");
      var apply = function () {
        var off = category.value !== "" && codes.indexOf(category.value) < 0;
        section.hidden = off;
        section.disabled = off;
      };
      category.addEventListener("change", apply);
      apply();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhanceMenu();
    foldFilters();
    sectionsByCategory();
    enhanceAll(document);
  });
  // Parts of a page that htmx swaps in.
  document.addEventListener("htmx:load", function (event) {
    enhanceAll(event.target);
  });
})();
