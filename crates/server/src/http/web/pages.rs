//! Page templates (askama: checked at compile time, HTML auto-escaped).

use askama::Template;
use askama_web::WebTemplate;

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub email: String,
    pub error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "login_code.html")]
pub struct CodePage {
    pub email: String,
    pub error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "start_again.html")]
pub struct StartAgainPage {
    pub message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub email: String,
    pub business_name: String,
    pub role: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub title: &'static str,
    pub message: String,
}
