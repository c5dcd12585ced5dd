{#- One row per current sale: its local activity date (campaign time zone) and its follow-up
    flags. Windows are elapsed time from sold_at (days x 24 h) and count only when they have
    ended by the data horizon (int_data_horizon.data_end_at).
    - withdrawal: all sales, window = the campaign's withdrawal_window_days (default var);
      withdrawn when withdrawn_at falls within the window.
    - survival: primary sales (not is_additional), window = the campaign's
      survival_window_days (default var); surviving when neither withdrawn_at nor
      cancelled_at falls within the window. -#}

with

sales as (

    select * from {{ ref('int_sales') }}

),

campaigns as (

    select campaign_id, timezone, withdrawal_window_days, survival_window_days
    from {{ ref('int_campaigns') }}

),

horizon as (

    select campaign_id, data_end_at from {{ ref('int_data_horizon') }}

),

windowed as (

    select
        sales.*,
        {{ to_local_date('sales.sold_at', 'campaigns.timezone') }} as activity_date,
        campaigns.withdrawal_window_days,
        campaigns.survival_window_days,
        {{ dbt.dateadd('hour', 'campaigns.withdrawal_window_days * 24', 'sales.sold_at') }} as withdrawal_window_end_at,
        {{ dbt.dateadd('hour', 'campaigns.survival_window_days * 24', 'sales.sold_at') }} as survival_window_end_at,
        horizon.data_end_at

    from sales
    inner join campaigns
        on sales.campaign_id = campaigns.campaign_id
    inner join horizon
        on sales.campaign_id = horizon.campaign_id

)

select
    sale_id,
    contact_id,
    advisor_id,
    campaign_id,
    customer_id,
    sold_at,
    activity_date,
    amount,
    is_additional,
    not is_additional as is_primary,
    services_attached,
    not is_additional and coalesce(services_attached, 0) > 0 as is_primary_with_services,
    withdrawn_at,
    cancelled_at,
    withdrawal_window_days,
    survival_window_days,
    data_end_at,

    -- withdrawal
    withdrawal_window_end_at <= data_end_at as is_withdrawal_eligible,
    (
        withdrawal_window_end_at <= data_end_at
        and withdrawn_at is not null
        and withdrawn_at <= withdrawal_window_end_at
    ) as is_withdrawn,

    -- survival
    (not is_additional and survival_window_end_at <= data_end_at) as is_survival_eligible,
    (
        not is_additional
        and survival_window_end_at <= data_end_at
        and not coalesce(withdrawn_at <= survival_window_end_at, false)
        and not coalesce(cancelled_at <= survival_window_end_at, false)
    ) as is_surviving

from windowed
