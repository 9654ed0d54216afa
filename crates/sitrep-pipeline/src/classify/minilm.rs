//! The MiniLM sentence encoder (all-MiniLM-L6-v2: six BERT layers, 384 dimensions) on the
//! CPU with candle: mean of the token vectors under the attention mask, scaled to unit
//! length. Built only with the `semantic` feature; the caller reads the files.

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::{PaddingParams, Tokenizer, TruncationParams};

use super::TextEncoder;

/// Longest input in word pieces (the model was trained on up to 256).
const MAX_TOKENS: usize = 256;

/// Texts encoded together (sorted by length first, so padding stays short).
const BATCH: usize = 32;

pub struct MiniLm {
    model: BertModel,
    tokenizer: Tokenizer,
}

impl std::fmt::Debug for MiniLm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MiniLm")
    }
}

impl MiniLm {
    /// The encoder from the model's `model.safetensors`, `config.json` and
    /// `tokenizer.json` contents.
    pub fn from_bytes(weights: Vec<u8>, config: &str, tokenizer: &[u8]) -> Result<Self, String> {
        let config: Config =
            serde_json::from_str(config).map_err(|e| format!("config.json: {e}"))?;
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &Device::Cpu)
            .map_err(|e| format!("model.safetensors: {e}"))?;
        let model = BertModel::load(vb, &config).map_err(|e| format!("model.safetensors: {e}"))?;
        let mut tokenizer =
            Tokenizer::from_bytes(tokenizer).map_err(|e| format!("tokenizer.json: {e}"))?;
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS,
                ..TruncationParams::default()
            }))
            .map_err(|e| format!("tokenizer.json: {e}"))?;
        // Pad each batch to its longest text, not to the file's fixed length.
        tokenizer.with_padding(Some(PaddingParams::default()));
        Ok(Self { model, tokenizer })
    }

    /// Embeddings of texts of similar length, padded together.
    fn batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, String> {
        let err = |e: candle_core::Error| format!("encoding: {e}");
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| format!("tokenising: {e}"))?;
        let rows = encodings.len();
        let len = encodings.first().map_or(0, |e| e.get_ids().len());
        let mut ids: Vec<u32> = Vec::with_capacity(rows * len);
        let mut mask: Vec<u32> = Vec::with_capacity(rows * len);
        for e in &encodings {
            ids.extend_from_slice(e.get_ids());
            mask.extend_from_slice(e.get_attention_mask());
        }
        let ids = Tensor::from_vec(ids, (rows, len), &Device::Cpu).map_err(err)?;
        let mask = Tensor::from_vec(mask, (rows, len), &Device::Cpu).map_err(err)?;
        let types = ids.zeros_like().map_err(err)?;
        let hidden = self.model.forward(&ids, &types, Some(&mask)).map_err(err)?;
        // Mean over the real tokens, then unit length.
        let mask = mask
            .to_dtype(DType::F32)
            .map_err(err)?
            .unsqueeze(2)
            .map_err(err)?;
        let summed = hidden
            .broadcast_mul(&mask)
            .map_err(err)?
            .sum(1)
            .map_err(err)?;
        let counts = mask.sum(1).map_err(err)?;
        let mean = summed.broadcast_div(&counts).map_err(err)?;
        let norm = mean
            .sqr()
            .and_then(|x| x.sum_keepdim(1))
            .and_then(|x| x.sqrt())
            .map_err(err)?;
        mean.broadcast_div(&norm)
            .and_then(|x| x.to_vec2::<f32>())
            .map_err(err)
    }
}

impl TextEncoder for MiniLm {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, String> {
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| texts[i].len());
        let mut out: Vec<Vec<f32>> = vec![Vec::new(); texts.len()];
        for chunk in order.chunks(BATCH) {
            let batch: Vec<&str> = chunk.iter().map(|&i| texts[i]).collect();
            for (&i, v) in chunk.iter().zip(self.batch(&batch)?) {
                out[i] = v;
            }
        }
        Ok(out)
    }
}
