import { mount } from "svelte";
import App from "./App.svelte";
import "./app.css";
import { measureToPaint } from "./lib/perf";

const target = document.getElementById("app");
if (!target) throw new Error("no #app element");
const mounted = mount(App, { target });
measureToPaint("appwarden:first-paint", 0);
export default mounted;
