//! The products and services catalogue: list with search, create, edit, archive.
//! The invoice editor adds a catalogue item as a line with its defaults.

use axum::{
    Form, Router,
    extract::{Query, State, rejection::FormRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};

use super::{
    customers::{ListQuery, PAGE_SIZE},
    pages::{ProductFormPage, ProductsPage},
};
use crate::{
    app::{
        Error,
        catalogue::{self, ProductInput},
        fields::FieldErrors,
    },
    http::session::CurrentSession,
    http::{IdPath, error::AppError},
    i18n::Tr,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/products", get(list).post(create))
        .route("/products/new", get(new_form))
        .route("/products/{id}", get(edit_form).post(update))
        .route("/products/{id}/archive", post(archive))
}

async fn list(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let Query(query) = query?;
    let page = query.page();
    let mut products =
        catalogue::list_products(&state, &session.caller(), &query.q, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE).await?;
    let has_next = products.len() as i64 > PAGE_SIZE;
    products.truncate(PAGE_SIZE as usize);
    Ok(ProductsPage { t, products, q: query.q.clone(), page, has_next }.into_response())
}

async fn new_form(_session: CurrentSession, t: Tr) -> Result<Response, AppError> {
    let form = ProductInput { vat_category: "S".into(), ..ProductInput::default() };
    Ok(ProductFormPage::new(t, None, form, FieldErrors::default()).into_response())
}

async fn create(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    form: Result<Form<ProductInput>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(input) = form?;
    match catalogue::create_product(&state, &session.caller(), &t, &input).await {
        Ok(_) => Ok(Redirect::to("/products").into_response()),
        Err(Error::Invalid(errors)) => {
            let errors = errors.read_in(&t);
            Ok(form_again(t, None, input, errors))
        }
        Err(e) => Err(e.into()),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let product = catalogue::find_product(&state, &session.caller(), id).await?;
    let form = ProductInput::of(&product, &t);
    Ok(ProductFormPage::new(t, Some(id), form, FieldErrors::default()).into_response())
}

async fn update(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    IdPath(id): IdPath,
    form: Result<Form<ProductInput>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(input) = form?;
    match catalogue::update_product(&state, &session.caller(), &t, id, &input).await {
        Ok(_) => Ok(Redirect::to("/products").into_response()),
        Err(Error::Invalid(errors)) => {
            let errors = errors.read_in(&t);
            Ok(form_again(t, Some(id), input, errors))
        }
        Err(e) => Err(e.into()),
    }
}

async fn archive(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    catalogue::archive_product(&state, &session.caller(), id).await?;
    Ok(Redirect::to("/products").into_response())
}

/// The form again as typed, with the errors at their fields (422).
fn form_again(t: Tr, id: Option<uuid::Uuid>, input: ProductInput, errors: FieldErrors) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, ProductFormPage::new(t, id, input, errors)).into_response()
}
