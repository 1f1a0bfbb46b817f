//! `/api/v1/products`: the catalogue — list, create, read, update.

use axum::{
    Json, Router,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
};
use fastfaktura_domain::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ApiAuth, ApiId, json::StrictJson, problem::ApiError};
use crate::{
    app::catalogue::{self, Product, ProductInput},
    i18n::Tr,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/products", get(list).post(create))
        .route("/api/v1/products/{id}", get(read).put(update))
        .route("/api/v1/products/{id}/archive", axum::routing::post(archive))
}

#[derive(Serialize)]
struct ProductJson {
    id: Uuid,
    name: String,
    unit: String,
    unit_price: Decimal,
    vat_category: String,
    vat_rate: Decimal,
}

impl From<Product> for ProductJson {
    fn from(p: Product) -> Self {
        ProductJson {
            id: p.id,
            name: p.name,
            unit: p.unit,
            unit_price: p.unit_price.normalize(),
            vat_category: p.vat_category,
            vat_rate: p.vat_rate.normalize(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    q: String,
    limit: Option<i64>,
    offset: Option<i64>,
}

#[derive(Serialize)]
struct ProductList {
    data: Vec<ProductJson>,
}

async fn list(
    State(state): State<AppState>,
    auth: ApiAuth,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(super::bad_query)?;
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    let products =
        catalogue::list_products(&state, &auth.caller(), &query.q, limit, query.offset.unwrap_or(0).max(0)).await?;
    Ok(Json(ProductList { data: products.into_iter().map(Into::into).collect() }).into_response())
}

async fn create(
    State(state): State<AppState>,
    auth: ApiAuth,
    body: Result<StrictJson<ProductInput>, ApiError>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let StrictJson(input) = body?;
    let product = catalogue::create_product(&state, &auth.caller(), &Tr::default(), &input).await?;
    Ok((StatusCode::CREATED, Json(ProductJson::from(product))).into_response())
}

async fn read(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    let product = catalogue::find_product(&state, &auth.caller(), id).await?;
    Ok(Json(ProductJson::from(product)).into_response())
}

async fn update(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiId(id): ApiId,
    body: Result<StrictJson<ProductInput>, ApiError>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    // Another business's id is "not found" before anything is said about the body.
    catalogue::find_product(&state, &auth.caller(), id).await?;
    let StrictJson(input) = body?;
    let product = catalogue::update_product(&state, &auth.caller(), &Tr::default(), id, &input).await?;
    Ok(Json(ProductJson::from(product)).into_response())
}

/// Takes the item out of the catalogue (lines already written keep their text).
async fn archive(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    auth.require_write()?;
    catalogue::archive_product(&state, &auth.caller(), id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
