//! The form: a preset, the workload typed, a setting or the models changed, and the
//! expected schedules drawn before any run.

use super::*;

impl Session {
    pub(super) fn on_preset(&mut self, id: &str) {
        if let Some(p) = Preset::from_id(id) {
            self.scenario.source = Source::Preset(p);
            self.render(Parts::FORM);
        }
        self.scenario_changed();
    }

    pub(super) fn on_edit(&mut self, text: String) {
        self.scenario.set_text(text);
        self.render(Parts::PRESET);
        self.scenario_changed();
    }

    pub(super) fn on_setting(&mut self, setting: Setting, value: &str) {
        let result = if setting == Setting::SweepSizes && value.trim().is_empty() {
            self.scenario.sweep = None;
            Ok(())
        } else {
            self.scenario.set(setting.key(), value)
        };
        match result {
            Ok(()) => self.show_notices(Vec::new()),
            Err(notice) => {
                self.show_notices(vec![notice.message]);
                // The field shows the value kept.
                self.render(Parts::FORM);
            }
        }
        if setting == Setting::SweepSizes {
            self.render(Parts::FORM);
        }
        self.refresh_preview();
        self.effect(Effect::SyncUrl);
    }

    pub(super) fn on_models(&mut self, models: Vec<Model>) {
        self.scenario.models = models;
        if self.run.is_none() {
            self.render(Parts::RESULTS | Parts::TIMELINE);
        }
        self.refresh_preview();
        self.effect(Effect::SyncUrl);
    }

    /// The workload or its source changed.
    pub(super) fn scenario_changed(&mut self) {
        self.render(Parts::WORKLOAD_ERROR);
        self.refresh_preview();
        self.effect(Effect::SyncUrl);
    }

    /// Before the first run: each selected model's expected schedule for this workload.
    pub(super) fn refresh_preview(&mut self) {
        self.render(Parts::SCENARIO_VIEWS | Parts::TIMELINE | Parts::RESULTS);
        self.preview.clear();
        if self.run.is_some() {
            return;
        }
        if let Ok(workload) = self.scenario.workload() {
            let tasks = workload.tasks();
            let pools = (self.scenario.threads, self.scenario.processes);
            let cores = self.env.cores;
            let bounds = (self.scenario.limit, self.scenario.chunksize);
            self.preview = self
                .runnable_models()
                .into_iter()
                .map(|m| expected_bounded(m, &tasks, lanes(m, pools), cores, bounds))
                .map(|t| LiveTrace::finished(&t))
                .collect();
        }
    }

    // ---- traces read from files ----

    pub(super) fn on_python_model(&mut self, model: Model) {
        self.python_model = model;
        self.render(Parts::PYTHON);
    }

    pub(super) fn on_python_open(&mut self, open: bool) {
        self.python_open = open;
        self.render(Parts::PYTHON);
    }

    pub(super) fn on_embed_dialog(&mut self, dialog: EmbedDialog) {
        self.embed_dialog = dialog;
        self.render(Parts::EMBED_DIALOG);
    }

    pub(super) fn on_form(&mut self, input: FormInput) {
        match input {
            FormInput::Preset(id) => self.on_preset(&id),
            FormInput::Edit(text) => self.on_edit(text),
            FormInput::Set(setting, value) => self.on_setting(setting, &value),
            FormInput::Models(models) => self.on_models(models),
            FormInput::PythonModel(model) => self.on_python_model(model),
            FormInput::PythonOpen(open) => self.on_python_open(open),
            FormInput::EmbedDialog(dialog) => self.on_embed_dialog(dialog),
        }
    }
}
